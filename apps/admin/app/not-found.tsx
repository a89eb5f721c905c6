'use client';

import Link from 'next/link';
import { Button, Center, Stack, Text, Title } from '@mantine/core';

export default function NotFound() {
  return (
    <Center h="100vh" component="main">
      <Stack align="center" gap="sm">
        <Text fw={700} c="dimmed" size="xl">
          404
        </Text>
        <Title order={1} size="h2">
          This page does not exist
        </Title>
        <Text c="dimmed">The address may be mistyped, or the page was moved.</Text>
        <Button component={Link} href="/overview/" mt="md">
          Go to the overview
        </Button>
      </Stack>
    </Center>
  );
}
