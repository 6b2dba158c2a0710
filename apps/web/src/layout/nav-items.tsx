import {
  ApartmentOutlined,
  AppstoreOutlined,
  BuildOutlined,
  InboxOutlined,
  SafetyOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';

/** One top-level section of the signed-in app. */
export interface NavItem {
  /** The path; a route's first segment picks the highlighted entry. */
  path: string;
  icon: ReactNode;
  /** i18n key of the label. */
  label: string;
  /** On phones: in the bottom bar, or behind "More". */
  phone: 'bar' | 'more';
  /** Shown only to workspace owners and admins. */
  adminOnly?: boolean;
  /** Shows the count of pending tasks. */
  inbox?: boolean;
}

/** Top-level sections, in menu order. */
export const NAV: readonly NavItem[] = [
  { path: '/', icon: <AppstoreOutlined />, label: 'nav.home', phone: 'bar' },
  { path: '/inbox', icon: <InboxOutlined />, label: 'nav.inbox', phone: 'bar', inbox: true },
  { path: '/members', icon: <TeamOutlined />, label: 'nav.members', phone: 'bar' },
  { path: '/departments', icon: <ApartmentOutlined />, label: 'nav.departments', phone: 'more' },
  { path: '/permissions', icon: <SafetyOutlined />, label: 'nav.permissions', phone: 'more' },
  { path: '/build', icon: <BuildOutlined />, label: 'nav.build', phone: 'more', adminOnly: true },
];

/** The entry a path belongs to (apps live under `/`, the home section). */
export function selectedNav(pathname: string): string {
  const first = `/${pathname.split('/')[1] ?? ''}`;
  return NAV.some((item) => item.path === first) ? first : '/';
}
