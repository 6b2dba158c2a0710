import { theme } from 'antd';
import type { CSSProperties, ReactNode } from 'react';

/**
 * A bordered white section with an optional title bar, drawn as antd's `Card` draws one (same tokens,
 * sizes and spacing). Pages on the form-filling route use it instead of `Card`, whose module brings
 * `Tabs` along (~13 KB gzipped) for a tab bar those pages never show.
 */
export function Panel({
  title,
  extra,
  size = 'default',
  style,
  bodyStyle,
  children,
  ...rest
}: {
  title?: ReactNode;
  /** Shown at the end of the title bar. */
  extra?: ReactNode;
  size?: 'default' | 'small';
  style?: CSSProperties;
  bodyStyle?: CSSProperties;
  children?: ReactNode;
  'data-testid'?: string;
}) {
  const { token } = theme.useToken();
  const small = size === 'small';
  const radius = token.borderRadiusLG;
  const border = `${token.lineWidth}px ${token.lineType} ${token.colorBorderSecondary}`;
  const hasHead = title !== undefined || extra !== undefined;
  return (
    <div
      {...rest}
      className="fl-panel"
      style={{
        position: 'relative',
        background: token.colorBgContainer,
        border,
        borderRadius: radius,
        color: token.colorText,
        fontSize: token.fontSize,
        lineHeight: token.lineHeight,
        ...style,
      }}
    >
      {hasHead && (
        <div
          style={{
            display: 'flex',
            flexDirection: 'column',
            justifyContent: 'center',
            minHeight: small
              ? token.fontSize * token.lineHeight + token.paddingXS * 2
              : token.fontSizeLG * token.lineHeightLG + token.padding * 2,
            marginBottom: -1,
            padding: `0 ${small ? token.paddingSM : token.paddingLG}px`,
            color: token.colorTextHeading,
            fontWeight: token.fontWeightStrong,
            fontSize: small ? token.fontSize : token.fontSizeLG,
            borderBottom: border,
            borderRadius: `${radius}px ${radius}px 0 0`,
          }}
        >
          <div style={{ display: 'flex', alignItems: 'center', width: '100%' }}>
            <div
              style={{
                flex: 1,
                minWidth: 0,
                overflow: 'hidden',
                whiteSpace: 'nowrap',
                textOverflow: 'ellipsis',
              }}
            >
              {title}
            </div>
            {extra !== undefined && (
              <div
                style={{
                  marginInlineStart: 'auto',
                  color: token.colorText,
                  fontWeight: 'normal',
                  fontSize: token.fontSize,
                }}
              >
                {extra}
              </div>
            )}
          </div>
        </div>
      )}
      <div
        style={{
          padding: small ? token.paddingSM : token.paddingLG,
          borderRadius: `0 0 ${radius}px ${radius}px`,
          ...bodyStyle,
        }}
      >
        {children}
      </div>
    </div>
  );
}
