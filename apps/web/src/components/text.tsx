import { theme } from 'antd';
import type { AnchorHTMLAttributes, CSSProperties, HTMLAttributes, ReactNode } from 'react';

// Text, titles and links drawn as antd's Typography draws them (same tokens), for the app's frame and
// the form-filling route: Typography's module brings its ellipsis measuring, copy and edit features
// with their icons (~8 KB gzipped), which these places never use.

type Tone = 'secondary' | 'danger';

/** As `Typography.Text`: `type` (secondary, danger), `strong`, and a single-line `ellipsis`. */
export function Text({
  type,
  strong,
  ellipsis,
  style,
  children,
  ...rest
}: HTMLAttributes<HTMLSpanElement> & {
  type?: Tone;
  strong?: boolean;
  ellipsis?: boolean;
  'data-testid'?: string;
  children?: ReactNode;
}) {
  const { token } = theme.useToken();
  const color =
    type === 'secondary'
      ? token.colorTextDescription
      : type === 'danger'
        ? token.colorErrorText
        : token.colorText;
  const clip: CSSProperties = ellipsis
    ? {
        display: 'inline-block',
        maxWidth: '100%',
        overflow: 'hidden',
        whiteSpace: 'nowrap',
        textOverflow: 'ellipsis',
        verticalAlign: 'bottom',
      }
    : {};
  return (
    <span
      // A clipped name can still be read whole on hover.
      {...(ellipsis && typeof children === 'string' ? { title: children } : {})}
      {...rest}
      style={{
        wordBreak: 'break-word',
        lineHeight: token.lineHeight,
        ...(strong ? { fontWeight: token.fontWeightStrong } : {}),
        ...clip,
        ...style,
        // An unset color in `style` keeps the tone's, as antd's class does.
        color: style?.color ?? color,
      }}
    >
      {children}
    </span>
  );
}

/** As `Typography.Title` of level 2 or 3. */
export function Title({
  level,
  style,
  children,
}: {
  level: 2 | 3;
  style?: CSSProperties;
  children?: ReactNode;
}) {
  const { token } = theme.useToken();
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <Heading
      style={{
        marginBottom: '0.5em',
        color: token.colorTextHeading,
        fontWeight: token.fontWeightStrong,
        fontSize: level === 2 ? token.fontSizeHeading2 : token.fontSizeHeading3,
        lineHeight: level === 2 ? token.lineHeightHeading2 : token.lineHeightHeading3,
        wordBreak: 'break-word',
        ...style,
      }}
    >
      {children}
    </Heading>
  );
}

/** As `Typography.Link` (styles.css, .fl-link; colors from the app root's variables). */
export function TextLink(props: AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a {...props} className="fl-link" />;
}
