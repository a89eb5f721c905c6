'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Textarea } from '@mantine/core';
import { IP_RULE_FIELDS, type IpRuleField, type SecuritySettings } from '@contract/settings.schemas';
import { useNotify } from '@/components/notifications';
import { ApiError, errorMessage, fieldError } from '@/lib/api/client';
import { useUpdateSecurity } from '@/lib/api/security';
import { SourceBadge } from './source-badge';

const LABELS: Record<IpRuleField, { label: string; description: string }> = {
  trustedProxies: { label: 'Trusted proxies', description: 'Proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES).' },
  webhookIpAllow: { label: 'Webhooks: allow', description: '/webhooks. Empty: every address (WEBHOOK_IP_ALLOW).' },
  webhookIpDeny: { label: 'Webhooks: deny', description: 'Refused even when allowed (WEBHOOK_IP_DENY).' },
  adminIpAllow: { label: 'Admin: allow', description: '/admin, /api/admin, /api/local. Empty: every address (ADMIN_IP_ALLOW).' },
  adminIpDeny: { label: 'Admin: deny', description: 'Refused even when allowed (ADMIN_IP_DENY).' },
  controlIpAllow: { label: 'Control: allow', description: '/, /chat, /v1, /metrics. Empty: every address (CONTROL_IP_ALLOW).' },
  controlIpDeny: { label: 'Control: deny', description: 'Refused even when allowed (CONTROL_IP_DENY).' },
};

const toText = (list: string[]) => list.join('\n');
const toList = (text: string) => text.split(/[\n,]/).map((line) => line.trim()).filter(Boolean);

/** The IP allow and deny lists of each surface and the trusted proxies, one address or CIDR range per line. */
export function IpRulesForm({ ipRules }: { ipRules: SecuritySettings['ipRules'] }) {
  const [text, setText] = useState<Record<IpRuleField, string>>(() => Object.fromEntries(IP_RULE_FIELDS.map((f) => [f, toText(ipRules[f].value)])) as Record<IpRuleField, string>);
  const update = useUpdateSecurity();
  const notify = useNotify();
  const changed = IP_RULE_FIELDS.filter((f) => toText(toList(text[f])) !== toText(ipRules[f].value));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(Object.fromEntries(changed.map((f) => [f, toList(text[f])])), {
      onSuccess: () => notify.success('IP rules changed', 'In force on every replica from the next request.'),
    });
  };
  const reset = (field: IpRuleField) =>
    update.mutate(
      { [field]: null },
      {
        onSuccess: (settings) => {
          setText({ ...text, [field]: toText(settings.ipRules[field].value) });
          notify.success(`${LABELS[field].label} reset`, 'The configuration applies again.');
        },
      },
    );
  return (
    <form onSubmit={submit} aria-label="IP rules and trusted proxies">
      <Stack gap="sm">
        <Alert color="yellow" variant="light">
          A deny entry or an allow list that leaves out your own address locks you out of this console. Each list takes one IPv4 or IPv6 address or CIDR range per line.
        </Alert>
        {update.error && !(update.error instanceof ApiError && update.error.fields) && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(update.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {IP_RULE_FIELDS.map((field) => (
            <Paper key={field} withBorder radius="md" p="sm">
              <Textarea
                label={LABELS[field].label}
                description={LABELS[field].description}
                value={text[field]}
                onChange={(event) => setText({ ...text, [field]: event.currentTarget.value })}
                error={fieldError(update.error, field)}
                autosize
                minRows={2}
                maxRows={8}
                placeholder="none"
              />
              <Group justify="space-between" mt="xs">
                <SourceBadge source={ipRules[field].source} />
                {ipRules[field].source === 'console' && (
                  <Button size="compact-xs" variant="subtle" onClick={() => reset(field)} disabled={update.isPending}>
                    Reset to config
                  </Button>
                )}
              </Group>
            </Paper>
          ))}
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending} disabled={changed.length === 0}>
            Save IP rules
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
