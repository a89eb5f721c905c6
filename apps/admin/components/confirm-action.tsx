'use client';

import { type ReactNode, useState } from 'react';
import { Button, type ButtonProps, Group, Modal, Text } from '@mantine/core';
import { errorMessage } from '@/lib/api/client';

interface ConfirmActionProps {
  /** The button that opens the confirmation. */
  label: string;
  /** Names what the button acts on, for screen readers ("Remove telegram 123"). */
  ariaLabel?: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  buttonProps?: ButtonProps;
}

/**
 * A destructive action behind a confirmation dialog. The dialog stays open with the error if the
 * action fails; Escape or Cancel closes it without acting.
 */
export function ConfirmAction({ label, ariaLabel, title, children, confirmLabel, onConfirm, buttonProps }: ConfirmActionProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setOpen(false);
    setError(null);
  };
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      close();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="xs" variant="subtle" color="red" aria-label={ariaLabel} onClick={() => setOpen(true)} {...buttonProps}>
        {label}
      </Button>
      <Modal opened={open} onClose={close} title={title} centered>
        <Text size="sm">{children}</Text>
        {error && (
          <Text c="red" size="sm" mt="sm" role="alert">
            {error}
          </Text>
        )}
        <Group justify="flex-end" mt="lg">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red.9" loading={busy} onClick={() => void confirm()} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
