import { UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Empty, Flex, List, Mentions, Skeleton, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/client';
import { recordExtrasApi } from '../../../api/records';
import { useApiQuery } from '../../../api/use-api-query';
import { ApiErrorAlert } from '../../../components/api-error-alert';
import { ErrorState } from '../../../components/status-states';
import { useMembers } from '../../forms/fields/directory';
import { collator, formatRelative } from '../../forms/fields/format';

/** `@[Name](24-hex id)`: how the server recognises a mention. */
const MENTION = /@\[([^\]\n]{1,100})\]\(([0-9a-fA-F]{24})\)/g;

/** A comment's text with its mentions shown as names. */
function CommentText({ text }: { text: string }) {
  const parts: Array<string | { name: string; id: string }> = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    parts.push(text.slice(last, match.index));
    parts.push({ name: match[1] ?? '', id: match[2] ?? '' });
    last = (match.index ?? 0) + match[0].length;
  }
  parts.push(text.slice(last));
  return (
    <Typography.Paragraph style={{ margin: 0, whiteSpace: 'pre-wrap' }}>
      {parts.map((part, i) =>
        typeof part === 'string' ? (
          part
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one text, in order.
          <Tag key={i} color="blue" bordered={false} style={{ marginInlineEnd: 2 }}>
            @{part.name}
          </Tag>
        ),
      )}
    </Typography.Paragraph>
  );
}

/**
 * A record's comments, and a box to add one: typing @ offers the workspace's members; the people
 * mentioned are told at once (and find it in their inbox).
 */
export function RecordComments({
  workspaceId,
  formId,
  recordId,
  language,
}: {
  workspaceId: string;
  formId: string;
  recordId: string;
  language: string;
}) {
  const { t } = useTranslation();
  const members = useMembers(workspaceId);
  const comments = useApiQuery(
    (signal) => recordExtrasApi.comments(workspaceId, formId, recordId, signal),
    [workspaceId, formId, recordId],
  );
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<Map<string, string>>(new Map());
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const options = useMemo(() => {
    const compare = collator(language);
    return [...(members?.values() ?? [])]
      .filter((m) => m.active)
      .sort((a, b) => compare.compare(a.name, b.name))
      .map((m) => ({ value: m.name, label: `${m.name} · ${m.email}`, key: m.userId }));
  }, [members, language]);

  async function send() {
    // Names picked from the list become the server's mention syntax; longest first, so "Li Lei" wins over "Li".
    let body = text;
    for (const [name, id] of [...picked].sort((a, b) => b[0].length - a[0].length)) {
      body = body.split(`@${name}`).join(`@[${name}](${id})`);
    }
    setSending(true);
    setError(null);
    try {
      await recordExtrasApi.addComment(workspaceId, formId, recordId, body);
      setText('');
      setPicked(new Map());
      comments.retry();
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setError(caught);
    } finally {
      setSending(false);
    }
  }

  const list =
    comments.status === 'success'
      ? comments.data
      : comments.status === 'loading'
        ? comments.previous
        : undefined;
  return (
    <Flex vertical gap={12} data-testid="record-comments">
      {comments.status === 'error' ? (
        <ErrorState title={t('comments.loadFailed')} error={comments.error} onRetry={comments.retry} />
      ) : !list ? (
        <Skeleton active avatar />
      ) : list.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('comments.none')} />
      ) : (
        <List
          dataSource={list}
          renderItem={(comment) => (
            <List.Item>
              <List.Item.Meta
                avatar={<Avatar icon={<UserOutlined />} />}
                title={
                  <Flex gap={8} wrap>
                    <span>{members?.get(comment.author)?.name ?? t('fields.unknownMember')}</span>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatRelative(comment.createdAt, language)}
                    </Typography.Text>
                  </Flex>
                }
                description={<CommentText text={comment.text} />}
              />
            </List.Item>
          )}
        />
      )}
      <Mentions
        aria-label={t('comments.write')}
        placeholder={t('comments.placeholder')}
        value={text}
        onChange={setText}
        onSelect={(option) => {
          const member = options.find((o) => o.value === option.value);
          if (member) setPicked((now) => new Map(now).set(member.value, member.key));
        }}
        options={options}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={10_000}
        data-testid="comment-input"
      />
      {error && <ApiErrorAlert title={t('comments.failed')} error={error} details={error.details} />}
      <Flex justify="flex-end">
        <Button type="primary" onClick={() => void send()} loading={sending} disabled={text.trim() === ''}>
          {t('comments.send')}
        </Button>
      </Flex>
    </Flex>
  );
}
