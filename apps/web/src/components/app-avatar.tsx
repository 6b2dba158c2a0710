import { Avatar } from './antd-lean';

/** An app's (or template's) mark: its color with the first character of its name. */
export function AppAvatar({ name, color, size = 44 }: { name: string; color?: string; size?: number }) {
  return (
    <Avatar
      shape="square"
      size={size}
      style={{ background: color ?? '#1d4ed8', fontSize: size * 0.45, flex: 'none', borderRadius: 10 }}
      aria-hidden="true"
    >
      {Array.from(name.trim())[0]?.toUpperCase() ?? '?'}
    </Avatar>
  );
}
