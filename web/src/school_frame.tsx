// A school's screens beside its menu (the three lists with their counts, the audit trail, the
// sign-in history): the frame reads the school's apps for the counts and the school's name, and
// shows the refusal page instead when the API refuses, with `refusal` saying why.
import { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, SchoolAppList, schoolApps } from "./api";
import { Refusal } from "./school_apps";
import { SchoolMenu } from "./school_menu";
import { useSession } from "./session";

export function SchoolFrame(props: {
  school: string;
  current: "audit" | "users";
  refusal: string;
  // An error a screen inside the frame met: shown like the frame's own.
  error?: ApiError | null;
  children: (list: SchoolAppList | null) => ComponentChildren;
}) {
  const { school, current, refusal, children } = props;
  const { onFailure } = useSession();
  const [list, setList] = useState<SchoolAppList | null>(null);
  const [own, setOwn] = useState<ApiError | null>(null);
  useEffect(() => {
    let current = true;
    setList(null);
    setOwn(null);
    schoolApps(school).then(
      (l) => current && setList(l),
      (e) => current && onFailure(setOwn)(e),
    );
    return () => {
      current = false;
    };
  }, [school, onFailure]);

  const error = own ?? props.error;
  if (error) {
    if (error.status === 403 || error.status === 404) return <Refusal message={refusal} />;
    return (
      <p class="error" role="alert">
        {error.message}
      </p>
    );
  }
  const count = (s: string) => list?.items.filter((a) => a.status === s).length ?? 0;
  const counts = list && { pending: count("pending"), approved: count("approved"), rejected: count("rejected") };
  return (
    <div class="school">
      <SchoolMenu school={school} current={current} counts={counts} />
      <main class="list">
        {list && <p class="site-name">{list.school_name}</p>}
        {children(list)}
      </main>
    </div>
  );
}
