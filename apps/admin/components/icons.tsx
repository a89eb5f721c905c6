import type { SVGProps } from 'react';

// Line icons on a 24-unit grid, drawn with the current text colour.
const paths = {
  overview: 'M4 19V10M10 19V5M16 19v-7M22 19H2',
  allowlist: 'M9 11l2 2 4-4M5 4h14v16H5z',
  pairing: 'M8 12h8M10 7H7a5 5 0 000 10h3M14 7h3a5 5 0 010 10h-3',
  sessions: 'M4 5h16v11H8l-4 4z',
  permissions: 'M12 3l8 3v6c0 4.5-3.4 8.3-8 9-4.6-.7-8-4.5-8-9V6z',
  channels: 'M4 12h4l3-7 4 14 3-7h2',
  devices: 'M7 3h10v18H7zM11 18h2',
  keys: 'M14 10a4 4 0 10-3.5 4L12 15.5h2v2h2v2h3V17l-5-5',
  operators: 'M12 12a4 4 0 100-8 4 4 0 000 8zM4 21a8 8 0 0116 0',
  audit: 'M7 3h8l4 4v14H7zM15 3v4h4M10 12h6M10 16h6',
  sun: 'M12 16a4 4 0 100-8 4 4 0 000 8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4',
  moon: 'M20 14.5A8 8 0 019.5 4 8 8 0 1020 14.5z',
  search: 'M11 18a7 7 0 100-14 7 7 0 000 14zM21 21l-5-5',
  plus: 'M12 5v14M5 12h14',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  inbox: 'M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z',
  alert: 'M12 9v4M12 17h.01M10.3 4l-8 14a2 2 0 001.7 3h16a2 2 0 001.7-3l-8-14a2 2 0 00-3.4 0z',
  sortAsc: 'M8 15l4-4 4 4',
  sortDesc: 'M8 10l4 4 4-4',
  sortNone: 'M8 10l4-4 4 4M8 14l4 4 4-4',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  upload: 'M12 20V9M7 14l5-5 5 5M5 4h14',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name, size = 18, ...rest }: { name: IconName; size?: number } & SVGProps<SVGSVGElement>) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      <path d={paths[name]} />
    </svg>
  );
}
