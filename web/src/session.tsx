// The session every screen runs in: who is signed in, signing out, and the one place that
// decides what a session that ended does (any screen's 401 goes back to sign-in, and after it to
// the same hash). Screens read it with useSession(), so nothing threads it through props.
import { ComponentChildren, createContext } from "preact";
import { useCallback, useContext, useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, User, me, signOut, toApiError } from "./api";
import { SignIn } from "./sign_in";

export interface Session {
  user: User;
  signOut: () => Promise<void>;
  // What a screen does with a failed call: a session that ended goes back to sign-in; anything
  // else is shown (`show`), a network failure as an ApiError of its own. The same function for
  // the whole session, so effects can depend on it.
  onFailure: (show: (error: ApiError) => void) => (e: unknown) => void;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() outside <SessionProvider>");
  return session;
}

// Signs the user in when nobody is, then shows `children` in their session.
export function SessionProvider({ children }: { children: ComponentChildren }) {
  // undefined: not known yet; null: nobody signed in.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => {
    me().then(setUser, () => setUser(null));
  }, []);

  const onFailure = useCallback(
    (show: (error: ApiError) => void) => (e: unknown) => {
      const error = toApiError(e);
      if (error.status === 401) setUser(null);
      else show(error);
    },
    [],
  );
  const leave = useCallback(async () => {
    try {
      await signOut();
    } finally {
      setUser(null);
      location.hash = "";
    }
  }, []);
  const session = useMemo(() => user && { user, signOut: leave, onFailure }, [user, leave, onFailure]);

  if (user === undefined) return <p class="loading">Loading…</p>;
  if (!session) return <SignIn onSignedIn={setUser} />;
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
