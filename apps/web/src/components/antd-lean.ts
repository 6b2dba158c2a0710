/**
 * antd components from their own modules instead of the package index. A component's index attaches
 * its companions (Input.Search/Password/OTP/Group, Avatar.Group with Popover, Dropdown.Button with
 * Space, Alert.ErrorBoundary, Badge.Ribbon), which then came with every page using the component. The
 * app's frame and the form-filling route take these from here; other pages may use `antd` as usual.
 */
export { default as Alert } from 'antd/es/alert/Alert';
export { default as Avatar } from 'antd/es/avatar/Avatar';
export { default as Badge } from 'antd/es/badge/Badge';
export { default as Dropdown } from 'antd/es/dropdown/dropdown';
export { default as Input } from 'antd/es/input/Input';
export { default as TextArea } from 'antd/es/input/TextArea';
