import { Text } from './text';

/** The Formloom mark: a rounded square with an "F" and a dot, drawn inline so it never fails to load. */
export function LogoMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#1d4ed8" />
      <path d="M9 8h14v3.5H13v3h8.5V18H13v6H9z" fill="#fff" />
      <circle cx="23" cy="22" r="2.5" fill="#93c5fd" />
    </svg>
  );
}

/** Mark plus product name, for headers and the sign-in card. */
export function Logo({ size = 32, color }: { size?: number; color?: string }) {
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 10 }}>
      <LogoMark size={size} />
      <Text strong style={{ fontSize: size * 0.6, color, letterSpacing: 0.2 }}>
        Formloom
      </Text>
    </span>
  );
}
