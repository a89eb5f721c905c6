'use client';

import { useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { Center } from '@mantine/core';
import { LoadingState } from '@/components/states';

/** /admin/ opens the overview (which sends a signed-out browser to sign-in). */
export default function Home() {
  const router = useRouter();
  useEffect(() => router.replace('/overview/'), [router]);
  return (
    <Center h="100vh">
      <LoadingState label="Opening the console…" />
    </Center>
  );
}
