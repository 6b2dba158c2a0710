import { ConfigProvider } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { FeedbackProvider } from './components/feedback';
import { ErrorState, LoadingState } from './components/status-states';
import { useIsPhone } from './components/use-is-phone';
import { SessionProvider, useSession } from './features/session/session-context';
import { loadAllTexts, toLanguage } from './i18n';
import { antdLocaleOf } from './i18n/antd-locale';

/**
 * A page's code together with the rest of the UI texts (i18n/index.ts). The app's frame and the
 * form-filling route need only the core texts loaded at start, so they load without this.
 */
const withTexts = <T,>(code: Promise<T>): Promise<T> => Promise.all([code, loadAllTexts()]).then(([m]) => m);

// Signing in and setting up are pages of their own: a signed-in page does not carry their forms.
const LoginPage = lazy(() =>
  withTexts(import('./features/auth/login-page')).then((m) => ({ default: m.LoginPage })),
);
const SetupPage = lazy(() =>
  withTexts(import('./features/auth/setup-page')).then((m) => ({ default: m.SetupPage })),
);
// The signed-in area loads on demand so the setup and sign-in pages start with less JavaScript.
const AppLayout = lazy(() => import('./layout/app-layout').then((m) => ({ default: m.AppLayout })));
const HomePage = lazy(() =>
  withTexts(import('./features/home/home-page')).then((m) => ({ default: m.HomePage })),
);
const ProfilePage = lazy(() =>
  withTexts(import('./features/profile/profile-page')).then((m) => ({ default: m.ProfilePage })),
);
const MembersPage = lazy(() =>
  withTexts(import('./features/members/members-page')).then((m) => ({ default: m.MembersPage })),
);
const DepartmentsPage = lazy(() =>
  withTexts(import('./features/departments/departments-page')).then((m) => ({ default: m.DepartmentsPage })),
);
const PermissionsPage = lazy(() =>
  withTexts(import('./features/permissions/permissions-page')).then((m) => ({ default: m.PermissionsPage })),
);
const AppsPage = lazy(() =>
  withTexts(import('./features/app-builder/apps-page')).then((m) => ({ default: m.AppsPage })),
);
const AppBuilderPage = lazy(() =>
  withTexts(import('./features/app-builder/app-builder-page')).then((m) => ({ default: m.AppBuilderPage })),
);
const DesignerPage = lazy(() =>
  withTexts(import('./features/designer/designer-page')).then((m) => ({ default: m.DesignerPage })),
);
const DesignerFillPage = lazy(() =>
  withTexts(import('./features/designer/fill-page')).then((m) => ({ default: m.FillPage })),
);
const AutomationPage = lazy(() =>
  withTexts(import('./features/automations/automation-page')).then((m) => ({ default: m.AutomationPage })),
);
const FlowPage = lazy(() =>
  withTexts(import('./features/flows/flow-page')).then((m) => ({ default: m.FlowPage })),
);
const InboxPage = lazy(() =>
  withTexts(import('./features/inbox/inbox-page')).then((m) => ({ default: m.InboxPage })),
);
const NotFoundPage = lazy(() =>
  withTexts(import('./layout/not-found-page')).then((m) => ({ default: m.NotFoundPage })),
);
// Each area is its own chunk: opening a form loads the form filler, not the list, import or gallery.
const AppShell = lazy(() => import('./features/apps/app-shell').then((m) => ({ default: m.AppShell })));
const AppIndexPage = lazy(() =>
  withTexts(import('./features/apps/app-index-page')).then((m) => ({ default: m.AppIndexPage })),
);
// Dashboards carry echarts: their own chunk, loaded only when a dashboard opens.
const DashboardPage = lazy(() =>
  withTexts(import('./features/dashboards/dashboard-page')).then((m) => ({ default: m.DashboardPage })),
);
const DashboardDesignerPage = lazy(() =>
  withTexts(import('./features/dashboards/designer/dashboard-designer-page')).then((m) => ({
    default: m.DashboardDesignerPage,
  })),
);
const GalleryPage = lazy(() =>
  withTexts(import('./features/templates/gallery-page')).then((m) => ({ default: m.GalleryPage })),
);
const TemplatePage = lazy(() =>
  withTexts(import('./features/templates/template-page')).then((m) => ({ default: m.TemplatePage })),
);
const RecordsPage = lazy(() =>
  withTexts(import('./features/records/records-page')).then((m) => ({ default: m.RecordsPage })),
);
const RecordPage = lazy(() =>
  withTexts(import('./features/records/detail/record-page')).then((m) => ({ default: m.RecordPage })),
);
const ImportPage = lazy(() =>
  withTexts(import('./features/records/import/import-page')).then((m) => ({ default: m.ImportPage })),
);
const OpenRecordPage = lazy(() =>
  withTexts(import('./layout/open-record-page')).then((m) => ({ default: m.OpenRecordPage })),
);
const FillPage = lazy(() => import('./features/forms/fill/fill-page').then((m) => ({ default: m.FillPage })));
const EditPage = lazy(() =>
  withTexts(import('./features/forms/fill/edit-page')).then((m) => ({ default: m.EditPage })),
);

/** Shows the loading and "server unreachable" screens before any route can decide. */
function SessionGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { state, reload } = useSession();
  if (state.status === 'loading') return <LoadingState fullPage />;
  if (state.status === 'unreachable') {
    return (
      <main
        data-testid="unreachable-page"
        style={{ minHeight: '100vh', display: 'grid', placeItems: 'center' }}
      >
        <ErrorState
          title={t('boot.unreachableTitle')}
          description={t('boot.unreachableBody')}
          error={state.error}
          onRetry={() => void reload()}
        />
      </main>
    );
  }
  return <Suspense fallback={<LoadingState fullPage />}>{children}</Suspense>;
}

/** Where the guard sent a signed-out user from, so signing in returns them there; only local paths. */
function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') ? from : '/';
}

/** Each route is reachable only in the session state it belongs to; others redirect. */
function Guard({ need, children }: { need: 'setup' | 'anonymous' | 'authenticated'; children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === need) return <>{children}</>;
  if (state.status === 'setup') return <Navigate to="/setup" replace />;
  if (state.status === 'anonymous') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Navigate to={returnPath(location.state)} replace />;
}

function AppRoutes() {
  return (
    <SessionGate>
      <Routes>
        <Route
          path="/setup"
          element={
            <Guard need="setup">
              <SetupPage />
            </Guard>
          }
        />
        <Route
          path="/login"
          element={
            <Guard need="anonymous">
              <LoginPage />
            </Guard>
          }
        />
        <Route
          element={
            <Guard need="authenticated">
              <AppLayout />
            </Guard>
          }
        >
          <Route index element={<HomePage />} />
          <Route path="inbox" element={<InboxPage />} />
          <Route path="members" element={<MembersPage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="departments" element={<DepartmentsPage />} />
          <Route path="permissions" element={<PermissionsPage />} />
          <Route path="build" element={<AppsPage />} />
          <Route path="build/:appId" element={<AppBuilderPage />} />
          <Route path="build/:appId/forms/new" element={<DesignerPage />} />
          <Route path="build/:appId/forms/:formId" element={<DesignerPage />} />
          <Route path="build/:appId/forms/:formId/fill" element={<DesignerFillPage />} />
          <Route path="build/:appId/forms/:formId/flow" element={<FlowPage />} />
          <Route path="build/:appId/automations/new" element={<AutomationPage />} />
          <Route path="build/:appId/automations/:automationId" element={<AutomationPage />} />
          <Route path="open/:formId/:recordId" element={<OpenRecordPage />} />
          <Route path="templates" element={<GalleryPage />} />
          <Route path="templates/:templateKey" element={<TemplatePage />} />
          <Route path="apps/:appId" element={<AppShell />}>
            <Route index element={<AppIndexPage />} />
            <Route path="forms/:formId" element={<RecordsPage />} />
            <Route path="forms/:formId/new" element={<FillPage />} />
            <Route path="forms/:formId/import" element={<ImportPage />} />
            <Route path="forms/:formId/records/:recordId" element={<RecordPage />} />
            <Route path="forms/:formId/records/:recordId/edit" element={<EditPage />} />
            <Route path="dashboards/:dashboardKey" element={<DashboardPage />} />
            <Route path="dashboards/:dashboardKey/design" element={<DashboardDesignerPage />} />
            <Route path="new-dashboard" element={<DashboardDesignerPage />} />
          </Route>
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionGate>
  );
}

/** The whole SPA: antd theme and locale following i18next, router, session. */
export function App() {
  const { i18n } = useTranslation();
  const language = toLanguage(i18n.resolvedLanguage);
  const phone = useIsPhone();
  return (
    <ConfigProvider
      locale={antdLocaleOf(language)}
      // Phones get 44 px controls: the touch target size fingers need.
      theme={{ token: { colorPrimary: '#1d4ed8', borderRadius: 8, ...(phone ? { controlHeight: 44 } : {}) } }}
    >
      <FeedbackProvider>
        <BrowserRouter>
          <SessionProvider>
            <AppRoutes />
          </SessionProvider>
        </BrowserRouter>
      </FeedbackProvider>
    </ConfigProvider>
  );
}
