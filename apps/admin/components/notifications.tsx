'use client';

import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import { Notification, Portal, Stack } from '@mantine/core';

interface Toast {
  id: number;
  color: 'teal' | 'red';
  title: string;
  message?: string;
}

type Notify = (toast: Omit<Toast, 'id'>) => void;

const NotifyContext = createContext<Notify>(() => undefined);

let nextId = 1;

/** Short confirmations ("Added 123 to the allowlist") in the corner; they leave after five seconds. */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((toast) => toast.id !== id)), []);
  const notify = useCallback<Notify>(
    (toast) => {
      const id = nextId++;
      setToasts((all) => [...all.slice(-3), { ...toast, id }]);
      setTimeout(() => dismiss(id), 5_000);
    },
    [dismiss],
  );
  return (
    <NotifyContext.Provider value={notify}>
      {children}
      <Portal>
        <Stack role="status" aria-live="polite" gap="xs" style={{ position: 'fixed', right: 16, bottom: 16, zIndex: 1000, width: 360 }}>
          {toasts.map((toast) => (
            <Notification key={toast.id} color={toast.color} title={toast.title} onClose={() => dismiss(toast.id)} closeButtonProps={{ 'aria-label': 'Dismiss' }} withBorder>
              {toast.message}
            </Notification>
          ))}
        </Stack>
      </Portal>
    </NotifyContext.Provider>
  );
}

export function useNotify(): { success: (title: string, message?: string) => void; failure: (title: string, message?: string) => void } {
  const notify = useContext(NotifyContext);
  return {
    success: (title, message) => notify({ color: 'teal', title, message }),
    failure: (title, message) => notify({ color: 'red', title, message }),
  };
}
