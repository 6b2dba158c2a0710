import { Modal, message, notification } from 'antd';
import { useEffect } from 'react';
import type { Feedback } from './feedback';

/** antd's message, notification and modal holders (loaded by FeedbackProvider); hands their APIs over. */
export function FeedbackHolders({ onReady }: { onReady(api: Feedback): void }) {
  const [messageApi, messageHolder] = message.useMessage();
  const [notificationApi, notificationHolder] = notification.useNotification();
  const [modalApi, modalHolder] = Modal.useModal();
  useEffect(() => {
    onReady({ message: messageApi, notification: notificationApi, modal: modalApi });
  }, [onReady, messageApi, notificationApi, modalApi]);
  return (
    <>
      {modalHolder}
      {messageHolder}
      {notificationHolder}
    </>
  );
}
