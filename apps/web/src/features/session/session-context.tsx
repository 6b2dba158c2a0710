import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, CLIENT_ERROR_CODES, onUnauthorized, tokenStore } from '../../api/client';
import { api, type Me, type WorkspaceMembership } from '../../api/endpoints';

/** Where the app stands before it can show any page. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'unreachable'; error: ApiError }
  | { status: 'setup' }
  | { status: 'anonymous' }
  | { status: 'authenticated'; me: Me };

/** What pages read from and do with the session. */
export interface Session {
  state: SessionState;
  /** The workspace the user works in now; null when they belong to none. */
  workspace: WorkspaceMembership | null;
  selectWorkspace(id: string): void;
  /** Asks the server again whether setup is needed and who is signed in. */
  reload(): Promise<void>;
  /** Keeps the token from login or setup and loads the signed-in user. */
  signIn(token: string, preferredWorkspace?: string): Promise<void>;
  signOut(): Promise<void>;
}

const WORKSPACE_STORAGE_KEY = 'formloom.workspace';
const SessionContext = createContext<Session | null>(null);

function readStoredWorkspace(): string | null {
  try {
    return localStorage.getItem(WORKSPACE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, CLIENT_ERROR_CODES.network, error instanceof Error ? error.message : String(error));
}

async function loadSession(): Promise<SessionState> {
  const { needed } = await api.setupStatus();
  if (needed) return { status: 'setup' };
  try {
    return { status: 'authenticated', me: await api.me() };
  } catch (error) {
    // 401: no or expired credentials. Anything else is a real failure the user must see.
    if (error instanceof ApiError && error.status === 401) {
      tokenStore.clear();
      return { status: 'anonymous' };
    }
    throw error;
  }
}

/** Loads the session once on start and shares it with every page. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [workspaceId, setWorkspaceId] = useState<string | null>(readStoredWorkspace);

  const reload = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      setState(await loadSession());
    } catch (error) {
      setState({ status: 'unreachable', error: asApiError(error) });
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  // An expired or revoked session shows up as a 401 on some later call: go back to sign-in.
  useEffect(
    () =>
      onUnauthorized(() => {
        tokenStore.clear();
        setState((current) => (current.status === 'authenticated' ? { status: 'anonymous' } : current));
      }),
    [],
  );

  const selectWorkspace = useCallback((id: string) => {
    setWorkspaceId(id);
    try {
      localStorage.setItem(WORKSPACE_STORAGE_KEY, id);
    } catch {
      /* the choice lasts for this visit only */
    }
  }, []);

  const signIn = useCallback(
    async (token: string, preferredWorkspace?: string) => {
      tokenStore.set(token);
      if (preferredWorkspace) selectWorkspace(preferredWorkspace);
      // Not via reload(): the form stays mounted (and its errors visible) until `me` answers.
      const me = await api.me();
      setState({ status: 'authenticated', me });
    },
    [selectWorkspace],
  );

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The local token goes regardless; a server that did not answer cannot use it against us.
    }
    tokenStore.clear();
    setState({ status: 'anonymous' });
  }, []);

  const workspace = useMemo(() => {
    if (state.status !== 'authenticated') return null;
    const { workspaces } = state.me;
    return workspaces.find((w) => w.id === workspaceId) ?? workspaces[0] ?? null;
  }, [state, workspaceId]);

  const value = useMemo<Session>(
    () => ({ state, workspace, selectWorkspace, reload, signIn, signOut }),
    [state, workspace, selectWorkspace, reload, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the {@link SessionProvider} above. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}

/** The signed-in user's data; only for pages rendered behind the authenticated guard. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'authenticated') throw new Error('useMe needs a signed-in session');
  return state.me;
}
