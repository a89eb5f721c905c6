'use client';

import { Alert, Button, Group, Text } from '@mantine/core';
import { ErrorState } from '@/components/states';
import { useVerifyAudit } from '@/lib/api/audit';
import { formatNumber } from '@/lib/format';

/** Checks the hash chain on demand and says whether any row was altered or removed. */
export function VerifyChain() {
  const verify = useVerifyAudit();
  return (
    <Group mb="md" align="flex-start" gap="md">
      <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending}>
        Verify the chain
      </Button>
      {verify.data &&
        (verify.data.intact ? (
          <Alert color="teal" variant="light" py={6} role="status">
            <Text size="sm">Intact: {formatNumber(verify.data.checked)} event(s) checked, none altered or missing.</Text>
          </Alert>
        ) : (
          <Alert color="red" variant="light" py={6} role="alert">
            <Text size="sm">
              Broken at event {verify.data.firstBad?.seq}: {verify.data.firstBad?.reason}
            </Text>
          </Alert>
        ))}
      {verify.error && <ErrorState error={verify.error} title="Verification failed" />}
    </Group>
  );
}
