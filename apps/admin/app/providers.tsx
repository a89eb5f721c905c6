'use client';

import { type ReactNode, useState } from 'react';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiError } from '@/lib/api/client';
import { cssVariablesResolver, theme } from '@/lib/theme';
import { NotificationsProvider } from '@/components/notifications';

// A 4xx will not change by asking again; network trouble and 5xx may.
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry, refetchOnWindowFocus: false }, mutations: { retry: false } } }));
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
      <QueryClientProvider client={client}>
        <NotificationsProvider>{children}</NotificationsProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
