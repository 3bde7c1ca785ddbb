// Canopy's screens: "System > Partner Apps (API Users)" for a school admin, and the trust's
// schools for a MAT central team. Routes live in the URL's hash, so the server serves one page;
// it serves it at /connect too, where a partner's link brings a school user to approve its app.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { User, notifications, schoolApps } from "./api";
import { ConnectPage } from "./connect";
import { Notifications } from "./notifications";
import { SchoolAudit, SchoolUsers } from "./school_audit";
import { SessionProvider, useSession } from "./session";
import { SchoolApps, Status } from "./school_apps";
import { TrustAudit, TrustSchoolsScreen, TrustTab, TrustUsers } from "./trust_home";
import { TrustMatrix } from "./trust_matrix";
import "./style.css";

// A user's home site is a school or a trust: the API knows it as a school or it does not
// ("error": the API could not say).
type HomeKind = "school" | "trust" | "error";

type Route =
  | { screen: "home" }
  | { screen: "school"; school: string; status: Status; app?: string }
  | { screen: "trust"; trust: string; tab: TrustTab }
  | { screen: "notifications" }
  | { screen: "audit"; school: string }
  | { screen: "users"; school: string };

const statuses: Status[] = ["pending", "approved", "rejected"];

function parse(hash: string): Route {
  let parts: string[];
  try {
    parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  } catch {
    return { screen: "home" }; // a malformed %-escape
  }
  if (parts[0] === "schools" && parts[1] && parts[2] === "audit")
    return { screen: "audit", school: parts[1] };
  if (parts[0] === "schools" && parts[1] && parts[2] === "users")
    return { screen: "users", school: parts[1] };
  if (parts[0] === "schools" && parts[1]) {
    const status = statuses.includes(parts[2] as Status) ? (parts[2] as Status) : "pending";
    return { screen: "school", school: parts[1], status, app: parts[3] };
  }
  if (parts[0] === "trusts" && parts[1]) {
    const tabs: TrustTab[] = ["schools", "audit", "users"];
    const tab = tabs.includes(parts[2] as TrustTab) ? (parts[2] as TrustTab) : "matrix";
    return { screen: "trust", trust: parts[1], tab };
  }
  if (parts[0] === "notifications") return { screen: "notifications" };
  return { screen: "home" };
}

function useRoute(): Route {
  const [route, setRoute] = useState(parse(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parse(location.hash));
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const { user, signOut, onFailure } = useSession();

  const [home, setHome] = useState<HomeKind | undefined>(undefined);
  useEffect(() => {
    setHome(undefined);
    schoolApps(user.home_site).then(
      () => setHome("school"),
      onFailure((e) => {
        if (e.code === "unknown_school") setHome("trust");
        else setHome(e.status === 403 || e.status === 404 ? "school" : "error");
      }),
    );
  }, [user, onFailure]);

  // The unread count in the header, read again on every screen change.
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    notifications().then((page) => setUnread(page.unread_count), () => setUnread(0));
  }, [user, route]);

  let body;
  if (route.screen === "school") {
    body = <SchoolApps school={route.school} status={route.status} app={route.app} />;
  } else if (route.screen === "audit") {
    body = <SchoolAudit school={route.school} />;
  } else if (route.screen === "users") {
    body = <SchoolUsers school={route.school} />;
  } else if (route.screen === "notifications") {
    body = <Notifications onCount={setUnread} />;
  } else if (route.screen === "trust" && route.tab === "schools") {
    body = <TrustSchoolsScreen trust={route.trust} />;
  } else if (route.screen === "trust" && route.tab === "users") {
    body = <TrustUsers trust={route.trust} />;
  } else if (route.screen === "trust" && route.tab === "audit") {
    body = <TrustAudit trust={route.trust} />;
  } else if (route.screen === "trust") {
    body = <TrustMatrix trust={route.trust} />;
  } else {
    body = <Home user={user} home={home} />;
  }
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">Partner Apps (API Users)</span>
        {home === "trust" && route.screen !== "trust" && (
          <a href={`#/trusts/${encodeURIComponent(user.home_site)}`}>All schools of the trust</a>
        )}
        <a href="#/notifications" class="notices-link">
          Notifications{" "}
          <span class="count" aria-label={`${unread} unread`}>
            {unread}
          </span>
        </a>
        <span class="who">
          {user.name} <span class="email">({user.email})</span>
        </span>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      {body}
    </div>
  );
}

// Where a user lands: their home site's screen, a school's lists or a trust's matrix.
function Home({ user, home }: { user: User; home: HomeKind | undefined }) {
  useEffect(() => {
    if (!home || home === "error") return;
    const site = encodeURIComponent(user.home_site);
    location.replace(home === "trust" ? `#/trusts/${site}` : `#/schools/${site}/pending`);
  }, [user, home]);
  if (home === "error") {
    return (
      <p class="error" role="alert">
        Canopy could not find your site just now. <a href="">Try again</a>.
      </p>
    );
  }
  return <p class="loading">Loading…</p>;
}

// The alternative connection's page signs in for its one approval, never into a session: the
// main sign-in screen must not show there.
const root = document.getElementById("app")!;
if (location.pathname === "/connect") {
  document.title = "Connect an app — Partner Apps";
  render(<ConnectPage />, root);
} else {
  render(
    <SessionProvider>
      <App />
    </SessionProvider>,
    root,
  );
}
