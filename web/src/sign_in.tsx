// Sign-in: email and password, and the API's refusals in plain words.
import { useState } from "preact/hooks";
import { ApiError, User, signIn } from "./api";

function explain(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === "invalid_credentials") return "That email or password is not right.";
    if (e.code === "too_many_attempts")
      return "Too many attempts. Wait a minute, then try again.";
    if (e.status === 503) return "Canopy is busy or cannot reach its database. Try again shortly.";
    return e.message;
  }
  return "Canopy could not be reached. Check your connection and try again.";
}

export function SignIn({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    try {
      onSignedIn(await signIn(email.trim(), password));
    } catch (e) {
      setError(explain(e));
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <h1>Sign in to manage partner apps</h1>
      <form onSubmit={submit} noValidate>
        <label for="email">Email</label>
        <input
          id="email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
