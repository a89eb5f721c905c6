'use client';

import type { ReactNode } from 'react';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import {
  ActionIcon,
  AppShell,
  Avatar,
  Badge,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Text,
  UnstyledButton,
  useComputedColorScheme,
  useMantineColorScheme,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Permission } from '@contract/permissions';
import { useLogout, useLogoutEverywhere } from '@/lib/api/auth';
import { useCan, useCurrentSession } from '@/lib/session-context';
import { Icon, type IconName } from './icons';
import { useNotify } from './notifications';

interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  permission: Permission;
}

export const NAV_ITEMS: NavItem[] = [
  { href: '/overview/', label: 'Overview', icon: 'overview', permission: 'overview.read' },
  { href: '/allowlists/', label: 'Allowlists', icon: 'allowlist', permission: 'allowlist.read' },
  { href: '/pairing/', label: 'Pairing queue', icon: 'pairing', permission: 'pairing.read' },
  { href: '/sessions/', label: 'Sessions', icon: 'sessions', permission: 'sessions.read' },
  { href: '/permissions/', label: 'Permissions', icon: 'permissions', permission: 'security.read' },
  { href: '/channels/', label: 'Channels', icon: 'channels', permission: 'channels.read' },
  { href: '/devices/', label: 'Devices', icon: 'devices', permission: 'devices.read' },
  { href: '/api-keys/', label: 'API keys', icon: 'keys', permission: 'apikeys.read' },
  { href: '/operators/', label: 'Operators', icon: 'operators', permission: 'operators.read' },
  { href: '/audit/', label: 'Audit log', icon: 'audit', permission: 'audit.read' },
];

function ColorSchemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon variant="default" size="lg" aria-label={`Switch to ${next} theme`} onClick={() => setColorScheme(next)}>
      <Icon name={scheme === 'dark' ? 'sun' : 'moon'} />
    </ActionIcon>
  );
}

function OperatorMenu() {
  const { operator } = useCurrentSession();
  const router = useRouter();
  const notify = useNotify();
  const logout = useLogout();
  const logoutEverywhere = useLogoutEverywhere();
  const name = operator.displayName ?? operator.email;
  const signOut = (everywhere: boolean) =>
    (everywhere ? logoutEverywhere : logout).mutate(undefined, {
      onSuccess: () => router.replace('/login/'),
      onError: () => notify.failure('Sign-out failed', 'Try again.'),
    });
  return (
    <Menu position="bottom-end" width={240}>
      <Menu.Target>
        <UnstyledButton>
          <Group gap="xs" wrap="nowrap">
            <Avatar size="sm" color="indigo" name={name} />
            <div>
              <Text size="sm" fw={600} lh={1.2}>
                {name}
              </Text>
              <Text size="xs" c="dimmed" lh={1.2}>
                {operator.role}
              </Text>
            </div>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{operator.email}</Menu.Label>
        <Menu.Item leftSection={<Icon name="logout" size={16} />} onClick={() => signOut(false)}>
          Sign out
        </Menu.Item>
        <Menu.Item color="red" leftSection={<Icon name="logout" size={16} />} onClick={() => signOut(true)}>
          Sign out everywhere
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

/** The console's frame: header with the operator's menu, navigation limited to what the role may read. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const pathname = usePathname();
  const can = useCan();
  const current = pathname.endsWith('/') ? pathname : `${pathname}/`;
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Link href="/overview/" style={{ textDecoration: 'none', color: 'inherit' }}>
              <Group gap={8}>
                <Icon name="channels" size={22} color="var(--mantine-primary-color-filled)" />
                <Text fw={700} size="lg">
                  Switchboard
                </Text>
                <Badge variant="outline" size="sm" radius="sm">
                  admin
                </Badge>
              </Group>
            </Link>
          </Group>
          <Group gap="md">
            <ColorSchemeToggle />
            <OperatorMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label="Console sections">
        <ScrollArea>
          {NAV_ITEMS.filter((item) => can(item.permission)).map((item) => (
            <NavLink
              key={item.href}
              component={Link}
              href={item.href}
              label={item.label}
              leftSection={<Icon name={item.icon} />}
              active={current.startsWith(item.href)}
              aria-current={current.startsWith(item.href) ? 'page' : undefined}
              onClick={close}
              styles={{ root: { borderRadius: 'var(--mantine-radius-md)' } }}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
