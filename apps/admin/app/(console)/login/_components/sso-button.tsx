import { Button } from '@mantine/core';
import { Icon } from '@/components/icons';

/** A plain link: the gateway redirects on to the identity provider, and back to the console after. */
export function SsoButton({ startUrl }: { startUrl: string }) {
  return (
    <Button component="a" href={startUrl} size="md" fullWidth leftSection={<Icon name="permissions" />}>
      Sign in with SSO
    </Button>
  );
}
