'use client';

import { Alert, Tabs, Text } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { ErrorState, LoadingState } from '@/components/states';
import { useSecuritySettings } from '@/lib/api/security';
import { useCan } from '@/lib/session-context';
import { CommandPermissionsForm } from './_components/command-permissions-form';
import { DmPolicyTable } from './_components/dm-policy-table';
import { IpRulesForm } from './_components/ip-rules-form';
import { SettingsList } from './_components/settings-list';

function Permissions() {
  const settings = useSecuritySettings();
  const editable = useCan()('security.write');
  if (settings.isPending) return <LoadingState />;
  if (settings.error) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  const { commands, ipRules } = settings.data;
  const { commandPermissions, source, ...otherCommandSettings } = commands;
  return (
    <>
      <Alert variant="light" color="indigo" mb="lg" title={editable ? 'Changes apply at once' : 'Read only for your role'}>
        {editable
          ? 'A change made here applies on every replica from the next message or request, without a restart, and is kept in the database over the configuration until you reset it. Every change is recorded in the audit log.'
          : 'These settings come from the configuration, or from a change an owner or admin made in the console.'}
      </Alert>
      <Tabs defaultValue="dm" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="dm">DM policy</Tabs.Tab>
          <Tabs.Tab value="commands">Command permissions</Tabs.Tab>
          <Tabs.Tab value="ip">IP rules and proxies</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="dm">
          <DmPolicyTable settings={settings.data} editable={editable} />
        </Tabs.Panel>
        <Tabs.Panel value="commands">
          {editable ? <CommandPermissionsForm commands={commands} /> : <SettingsList label="Command permissions" values={{ commandPermissions }} sources={{ commandPermissions: source }} />}
          <Text size="sm" c="dimmed" mb="xs">
            From the configuration:
          </Text>
          <SettingsList label="Admins and rate limits" values={otherCommandSettings} />
        </Tabs.Panel>
        <Tabs.Panel value="ip">
          {editable ? (
            <IpRulesForm ipRules={ipRules} />
          ) : (
            <SettingsList
              label="IP rules and trusted proxies"
              values={Object.fromEntries(Object.entries(ipRules).map(([field, rule]) => [field, rule.value]))}
              sources={Object.fromEntries(Object.entries(ipRules).map(([field, rule]) => [field, rule.source]))}
            />
          )}
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

export default function PermissionsPage() {
  return (
    <Screen title="Permissions" permission="security.read">
      <PageHeader title="Permissions" description="Who may message the agent directly, who may run which slash commands, and which addresses reach the gateway." />
      <Permissions />
    </Screen>
  );
}
