'use client';

import { type ReactNode, useEffect } from 'react';
import { usePathname, useRouter } from 'next/navigation';
import { Center, Container } from '@mantine/core';
import { ConsoleShell } from '@/components/console-shell';
import { ErrorState, LoadingState } from '@/components/states';
import { useSession } from '@/lib/api/auth';
import { SessionProvider } from '@/lib/session-context';

// Screens for people who are not signed in yet.
const PUBLIC_SCREENS = ['/login', '/setup'];

/** Every screen but sign-in and setup needs a session: without one the browser goes to sign-in and comes back after. */
function SignedIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const router = useRouter();
  const pathname = usePathname();
  const signedOut = session.data === null;
  useEffect(() => {
    if (signedOut) router.replace(`/login/?next=${encodeURIComponent(pathname)}`);
  }, [signedOut, pathname, router]);
  if (session.error) {
    return (
      <Container size="sm" py="xl">
        <ErrorState error={session.error} onRetry={() => void session.refetch()} title="The console could not reach the gateway" />
      </Container>
    );
  }
  if (!session.data) {
    return (
      <Center h="100vh">
        <LoadingState />
      </Center>
    );
  }
  return (
    <SessionProvider session={session.data}>
      <ConsoleShell>{children}</ConsoleShell>
    </SessionProvider>
  );
}

export default function ConsoleLayout({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  if (PUBLIC_SCREENS.some((screen) => pathname.startsWith(screen))) return <>{children}</>;
  return <SignedIn>{children}</SignedIn>;
}
