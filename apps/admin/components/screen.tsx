'use client';

import { type ReactNode, useEffect } from 'react';
import type { Permission } from '@contract/permissions';
import { useCan } from '@/lib/session-context';
import { Empty } from './states';

/** A console screen: sets the document title and shows nothing of itself to a role without `permission`. */
export function Screen({ title, permission, children }: { title: string; permission: Permission; children: ReactNode }) {
  const can = useCan();
  useEffect(() => {
    document.title = `${title} · Switchboard admin`;
  }, [title]);
  if (!can(permission)) {
    return <Empty icon="permissions" title="Not available to your role" description={`${title} needs the ${permission} permission. Ask an owner if you need it.`} />;
  }
  return <>{children}</>;
}
