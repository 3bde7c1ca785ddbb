// Generated from docs/openapi.yaml by web/api_types.mjs (openapi-typescript): do not edit.
// After changing the spec, run `node api_types.mjs` in web/ and commit the result; CTest
// web_api_types fails while this file and the spec disagree.

export interface paths {
    "/api/v1/session": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in
         * @description Signs a school user in with their MIS email and password. The email is matched case-insensitively.
         *
         *     A browser sends `email` and `password` only. On success it gets the session token only
         *     as the `canopy_session` cookie (`Path=/; HttpOnly; SameSite=Strict; Max-Age=<session TTL
         *     in seconds>`, plus `Secure` unless the server listens on a loopback address without
         *     `--secure-cookies`, or runs with `--insecure-cookies`), never in the body, so no script
         *     can read it; the body holds `csrf_token`, which the browser must echo in `X-CSRF-Token`
         *     on every state change. It also gets a device cookie, `canopy_device`, set twice with one
         *     value, once for `Path=/api/v1/session` and once for `Path=/api/v1/connect` (see the 201
         *     response's `Set-Cookie`): sent back with a later sign-in at the same email, here or on
         *     the alternative connection's page (`connectSignIn`), it puts that attempt under the
         *     device's own throttle.
         *
         *     An API client asks for a bearer token with `"token": true`: the body then holds `token`
         *     (send it as `Authorization: Bearer`), and no cookie is set and no `csrf_token` given.
         *
         *     Attempts are throttled, never locked (nobody can lock someone else out, and no answer
         *     says "locked"):
         *
         *     - per client address (IPv6: per /64), every attempt: `--sign-in-burst` (60), then
         *       `--sign-in-per-minute` (60);
         *     - per client address and email: 5 attempts, then one a minute; a success refills it;
         *     - per email, from all addresses: 20 attempts, then one every 30 s; while that is spent,
         *       only addresses that signed into the account before (within 90 days) still try;
         *     - instead of all three, for an attempt carrying a valid `canopy_device` cookie issued for
         *       the email it signs in with: per device, 5 attempts, then one a minute; a success
         *       refills it, and only it (not the address and email bucket of the address it came
         *       from, which another client at that address may be spending). Other clients' failures
         *       never spend it. A cookie for another email, altered, forged or expired counts as none.
         *
         *     The client address is the TCP peer, or, when the peer is a proxy listed in
         *     `--trusted-proxies`, the address it reports in the one header `--forwarded-header`
         *     names (`X-Forwarded-For` by default, or `Forwarded`); the other header is never read.
         *
         *     Over a limit the answer is `429 too_many_attempts` with `Retry-After`, at once, and the
         *     password is not checked. Unknown emails are throttled exactly like known ones and get
         *     the same `401 invalid_credentials`, sent 250 ms after the request arrived like every
         *     401 here, so neither the body nor the time tells whether an email exists. Password
         *     checks run on their own small pool; when it is full the answer is `503 unavailable`
         *     with `Retry-After: 1`, at once.
         *
         *     Checked attempts at known accounts are written to the login history (email, user, time,
         *     address, user agent cut to 160 bytes, outcome); attempts at unknown emails are not.
         */
        post: operations["signIn"];
        /**
         * Sign out
         * @description Ends the session the request is authenticated with and clears the `canopy_session` cookie (`Max-Age=0`). A cookie-authenticated sign-out needs `X-CSRF-Token`. Any request body is ignored.
         */
        delete: operations["signOut"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The signed-in user
         * @description The signed-in user and the session's CSRF token (so a page loaded after sign-in can find the token it must send in `X-CSRF-Token`).
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/connect": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The alternative connection's page (HTML)
         * @description The page a partner's link opens (`--public-url`, then `/connect#` and the link's token; see `createConnectLink`). It is the browser UI's `index.html`, the same bundle as `/`, which shows the alternative connection's page at this path: it reads the token from the URL's fragment, keeps it for a reload of the tab (`sessionStorage`) and takes it out of the address bar, then calls `openConnectLink`, `connectSignIn` and `approveThroughLink` with it in their bodies. The fragment is never sent to a server, so this request carries no token, needs no credentials, and answers the same page to everyone. Query parameters are ignored.
         *
         *     The page keeps to itself like the UI's other files: `Content-Security-Policy` (scripts, styles and requests only from Canopy's own origin, no inline script or style, no framing), `X-Frame-Options: DENY` and `Referrer-Policy: same-origin`. It is `Cache-Control: no-cache`, not `no-store`: it holds nothing of the link, and a cache must only ask again before reusing it.
         */
        get: operations["getConnectPage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connect/link": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * What an alternative-connection link is for
         * @description The first step of the alternative connection's page (see "The alternative connection" above): which app asks to connect to which school, before anyone signs in. `link` is the token from the link's fragment, the 43 characters after `/connect#`. The answer names the app (its name, company and kind) and the school, says until when the link works, and gives `return_url`: where to send the browser when the user cancels, which is the link's `redirect_uri` with `outcome=cancelled`, the school and the partner's `state` (null when the link has no `redirect_uri`). It needs no credentials and writes nothing; whoever holds the link learns no more than the partner who made it knew.
         *
         *     A link works until it expires (`expires_at`, `--connect-link-hours` after it was made) or an approval spends it, whichever comes first. A token that is not 43 base64url characters names no link and is refused as unknown before the store is asked. The link's app is checked again against the policies in force: an operator may have taken it out of service, or stopped offering the alternative connection, since the link was made.
         *
         *     Checks run in this order: the body (400, 415), the link (404 `connect_link_unknown`: not a token, no such link, or its app or school is no longer in the catalogue or the tenants; 410 `connect_link_used`, then `connect_link_expired`), the app (403 `alternative_connection_not_offered`, then `competitor_not_connectable` or `application_not_live`).
         */
        post: operations["openConnectLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connect/sign-in": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in on an alternative-connection link, to approve its app
         * @description The second step of the alternative connection's page: a school user gives their MIS email and password, to approve the link's app at the link's school. It opens no session and sets no session cookie; it gives a `ticket` for this one approval (`approveThroughLink`).
         *
         *     **The link first.** The link is checked as by `openConnectLink` before anything else: without a live link no password is checked and no attempt is counted, so the page can probe no more than sign-in can.
         *
         *     **The credentials**, as `signIn` checks them. Either field empty is `400 no_credentials` ("No credentials"); an email over 254 bytes or a password over 1024 is `400 invalid_value`. Then the same throttles, shared with `signIn` (by client address, by address and email, by email, or, for an attempt carrying a `canopy_device` cookie issued for the email, by that device alone): failures here spend the budgets sign-in uses, and the other way round; over a limit, `429 too_many_attempts` with `Retry-After`, at once, and no password is checked. The same hashing pool (`503 unavailable`, `Retry-After: 1`, when full). The same login history: a right password is recorded as `success` and a wrong one at a known account as `invalid_credentials`, with the address and user agent. A wrong password, an unknown email and a disabled user all get the same `401 invalid_credentials`, with the help article's words "Invalid credentials", sent 250 ms after the request arrived, so neither the body nor the time tells whether the email exists.
         *
         *     **The requirements**, after a right password only, each refused with its own code and the help article's words (403), in this order:
         *
         *     - the user must belong to the link's school or to its trust (`connect_link_other_school`, naming the link's school, which the page shows anyway);
         *     - a user of the school needs a business role granting `School: User Accounts: Administer` there (`not_authorised_for_school`, "You are not authorised to approve apps on behalf of your school");
         *     - a user of the school's trust (a MAT user) needs a trust role granting `User Details: Manage All Users`, to have signed in to the school from the trust at least once (opened its apps in Partner Apps, `listSchoolApps`), and to have accepted the school's current terms and conditions (`acceptTerms`): `trust_requirements_not_met`, whose message names each one missing and whose `missing` lists them (`permission`, `signed_in_to_school`, `terms_accepted`);
         *     - the user must sign in to the MIS with a password (the user's `sign_in` in the tenants files): one who uses single sign-on or two-step verification, which this page cannot ask for, is told to approve from Partner Apps instead (`approve_from_partner_apps`).
         *
         *     **The answer.** A `ticket` (43 base64url characters, 256 random bits) and `ticket_expires_at`: 15 minutes on, or the link's expiry if that comes first. Canopy keeps only the ticket's digest, on the link, with the user; a later sign-in on the same link, by this user or another, replaces it. With it: the user, who they act as (`acting`: their school, or their trust with `via_trust` true, and the role that permits it, as the audit will record), the app as the school sees it (`detail`, as `getSchoolApp` shows it: company, website, description, status at the school, warnings, the full permission table and `permissions_for_review`), and `return_url` (as `openConnectLink`).
         *
         *     Every answer given after a right password, the 200 and any refusal that follows, sets the browser's device cookie (`canopy_device`, twice: for `/api/v1/session` and `/api/v1/connect`), as a sign-in does, and carries `Cache-Control: no-store`.
         *
         *     Checks run in this order: the body (400, 415), the link (404, 410, 403 as `openConnectLink`), empty fields (400 `no_credentials`), lengths (400 `invalid_value`), the throttles (429), the hashing pool (503), the password (401), the link again (404, 410, 403, should it have been spent, expired or refused meanwhile), then the requirements above (403).
         */
        post: operations["connectSignIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connect/approve": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve the link's app, with the ticket from signing in on the link
         * @description The last step of the alternative connection's page: the user who signed in on the link (`connectSignIn`) approves its app at its school, holding the `ticket` they were given.
         *
         *     **Checked again, from the start**, with the approval: the link (404, 410, 403, as `openConnectLink`); the ticket (`401 connect_sign_in_expired`, "Your sign-in on this page has expired: sign in again to approve": not the link's current ticket, because it is another link's, was replaced by a later sign-in on this link, or is no ticket at all; older than 15 minutes; or its user was disabled since); the user's requirements as at `connectSignIn` (403, read again: roles, trust terms and sign-in method may have changed since); and, at a dummy (migration) school site, `confirm_dummy_site` (`409 dummy_site_not_confirmed`, whose message is the help article's warning, to show before asking again with `confirm_dummy_site: true`); and, when the body names the `permission_set_version` the page showed, that the app's set is still that version (`409 permissions_changed`).
         *
         *     **The same ticket again**, after its approval committed (an answer lost on the way, a retry), gets that approval back (`already_approved: true`, the `return_url` with `outcome=approved`) while the ticket lasts and the app is still approved there; nothing is written.
         *
         *     **The approval.** In one transaction, the connection becomes `approved` at the app's current permission set version from whatever it was: no connection yet (it is created, with `requested_at` the approval's time), `pending`, `rejected` (its reason is cleared), `expired`, or `approved` at an older version (re-consent). The link stands for the partner's request; the user approves it. The user is the actor (`decided_by`), the audit trail gets one `approve` record (via the trust for a trust user), and the partner one `connection.approved` event, as for an approval from Partner Apps. The same transaction spends the link, only with the ticket held: a second approve, or a sign-in on the link afterwards, gets `410 connect_link_used`. A connection that another change moves meanwhile is read again and the approval tried again, 5 times, then `409 concurrent_change`. When the app is already approved at its current version, nothing changes and no record or event is written, but the link is spent all the same, and `already_approved` is true. An approval takes nothing away, so it is not held on the other replicas; they learn of it as of any change.
         *
         *     **The answer** says what was approved, and gives `return_url`: the link's `redirect_uri` with `outcome=approved`, the school and the partner's `state`, each percent-encoded (null when the link has no `redirect_uri`). Send the browser there; the page does.
         *
         *     Checks run in this order: the body (400, 415), the link (404, 410, 403), the ticket (401), the user's requirements (403), the dummy-site confirmation (409), then the approval (409 `concurrent_change`, 503).
         */
        post: operations["approveThroughLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/apps": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        /**
         * List a school's partner apps
         * @description The school's connections, ordered by app id, optionally only those with one status (the Pending requests / Approved apps / Rejected apps lists; `expired` lists the requests nobody decided within `serve --request-expiry-days`, until their partner asks again). A connection whose app is no longer in the policy catalogue is left out. Apps that never asked are not listed.
         *
         *     The caller must hold, on this school as their home site, a business role that grants
         *     `School: User Accounts: Administer`; or, on the school's trust as their home site, a trust
         *     role that grants `User Details: Manage All Users` (acting via the trust; never in a school
         *     of another trust). Checks run in this order: query (and body) validation (400/415), session
         *     (401), CSRF for cookie-authenticated changes (403), school within the caller's reach (403
         *     `forbidden`, in the same words whether or not the school exists; 404 `unknown_school` only
         *     for the trust that is the caller's home site; see Errors, "Sites out of reach"), admin
         *     permission (403 `forbidden`), then the operation itself.
         *
         *     A trust user may read before accepting the school's terms and conditions. A trust user's first
         *     successful list of a school is recorded (once; later lists write nothing): it is what the
         *     alternative connection takes as having "signed in to the school" (`connectSignIn`'s
         *     `signed_in_to_school`).
         */
        get: operations["listSchoolApps"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/apps/{app}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        /**
         * Show one app for a school (the permission slide-over)
         * @description The app, its connection with the school, warnings, and per data type the fields and Read / Write / Update / Delete ticks. An app in the catalogue that never asked this school is shown with `status: not_requested` and null connection fields. `reject_reason` is why the school rejected, when it said (see `rejectSchoolApp`); null otherwise, and again once the app is approved.
         *
         *     Warnings are added when the school is a dummy (migration) site, when an approved connection was approved for an older permission set version, and when the app is a data provider.
         *
         *     The caller must hold, on this school as their home site, a business role that grants
         *     `School: User Accounts: Administer`; or, on the school's trust as their home site, a trust
         *     role that grants `User Details: Manage All Users` (acting via the trust; never in a school
         *     of another trust). Checks run in this order: query (and body) validation (400/415), session
         *     (401), CSRF for cookie-authenticated changes (403), school within the caller's reach (403
         *     `forbidden`, in the same words whether or not the school exists; 404 `unknown_school` only
         *     for the trust that is the caller's home site; see Errors, "Sites out of reach"), admin
         *     permission (403 `forbidden`), then the operation itself.
         *
         *     A trust user may read before accepting the school's terms and conditions.
         */
        get: operations["getSchoolApp"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/apps/{app}/approve": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve an app (or re-approve a rejected one)
         * @description Approves the app's whole current permission set for the school. Allowed from `pending` and `rejected`, and from `approved` when the app's permission set version has changed since (re-consent); not from `expired` (`409 invalid_transition`: the partner must ask again first). The connection records the current permission set version, and loses its `reject_reason`. Competitors (`competitor_not_connectable`) and apps that are not live (`application_not_live`) cannot be approved.
         *
         *     The change is one database transaction that updates the connection row (only if its revision is still the one read; otherwise it is read and decided again, up to five times) and appends one audit record (who, acting site, role, action, from/to status, permission set version, time, request id).
         *
         *     The request body may be empty or `{}`. Its one field, `confirm_dummy_site` (boolean, default false), is for a school that is a dummy (migration) site (`school.dummy` in `getSchoolApp`): there an approve without `"confirm_dummy_site": true` changes nothing and answers `409 dummy_site_not_confirmed`, whose message is the warning to show the admin: the approval is kept when the site is wiped and remigrated, but the school's record ids (students, staff) change then, so approving on the live site is recommended. Send the approve again with `"confirm_dummy_site": true` once the admin has read it. At go-live (`goLiveSchool`) every app approved at the school is told, in a `school.ids_changed` event, to use the new ids. On a live school the field changes nothing. Any other field is `400 unknown_field` (a `reason` too: only a reject says why).
         *
         *     The caller must hold, on this school as their home site, a business role that grants
         *     `School: User Accounts: Administer`; or, on the school's trust as their home site, a trust
         *     role that grants `User Details: Manage All Users` (acting via the trust; never in a school
         *     of another trust). Checks run in this order: query (and body) validation (400/415), session
         *     (401), CSRF for cookie-authenticated changes (403), school within the caller's reach (403
         *     `forbidden`, in the same words whether or not the school exists; 404 `unknown_school` only
         *     for the trust that is the caller's home site; see Errors, "Sites out of reach"), admin
         *     permission (403 `forbidden`), then the operation itself: terms (below), the app (404
         *     `unknown_app`), the dummy site's confirmation (409 `dummy_site_not_confirmed`), then the
         *     connection (404 `connection_not_found`) and its transition (403, 409).
         *
         *     A caller acting via the trust must first have accepted the school's current terms and
         *     conditions (`acceptSchoolTerms`). Until then this route answers 403 `terms_not_accepted`,
         *     with the terms to accept in the body, before the app or connection is looked at; nothing
         *     changes. The audit record of a change via the trust has `via_trust` true, the trust as the
         *     acting site and the trust role.
         */
        post: operations["approveSchoolApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/apps/{app}/reject": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject an app (or revoke an approved one)
         * @description Rejects a pending app, or revokes an approved one. Allowed from `pending` and `approved`; not from `expired` (`409 invalid_transition`). Takes effect before the response is sent: after the database transaction commits, the decision cache is updated and, with `canopy serve --cache redis`, every other live replica is told and acknowledges before this 200 is written (or, when a replica does not acknowledge, the 200 waits out the lease, 2.25 s by default). When this replica cannot reach Redis, the reject still succeeds: it moves the store's revocation epoch in the same transaction and the 200 waits until every replica has read it or stopped trusting its caches (up to twice the lease and margin after this replica's last heartbeat). It answers 503 `unavailable`, with nothing written, when a replica that may be answering from Redis alone has not polled the store since this one started, or when the change cannot commit within a third of the holds' lifetime (`--hold-ttl-ms`). So `GET /internal/v1/decisions` requests that arrive at any replica after this 200 deny; see `checkDecision` for requests already in flight, and docs/design/revocation.md ("Revocation across replicas") for the failure cases this does not cover.
         *
         *     The change is one database transaction that updates the connection row (only if its revision is still the one read; otherwise it is read and decided again, up to five times) and appends one audit record (who, acting site, role, action, from/to status, permission set version, time, request id).
         *
         *     The body may be empty or `{}`, or say why (`RejectRequest`): a `reason` from a short list and, only with a reason, a `note` in the school's words. The note is trimmed of surrounding spaces, tabs and line breaks, and must then be at most 500 bytes of plain text (no control characters but line feeds); `other` needs a note that is not empty. A body that breaks one of these rules is `400 invalid_value`; a field of another JSON type is `400 wrong_type`. The reason is kept on the connection while it stays rejected and shown to the school (`reject_reason` here and on `getSchoolApp`) and to the partner (`reject_reason` on `getConnectionStatus`, `reason` in the `connection.rejected` event), and is kept, hashed, in the audit record (`reason`). Approving the app again clears it. A bulk reject (`bulkDecide`) carries no reason.
         *
         *     The caller must hold, on this school as their home site, a business role that grants
         *     `School: User Accounts: Administer`; or, on the school's trust as their home site, a trust
         *     role that grants `User Details: Manage All Users` (acting via the trust; never in a school
         *     of another trust). Checks run in this order: query (and body) validation (400/415), session
         *     (401), CSRF for cookie-authenticated changes (403), school within the caller's reach (403
         *     `forbidden`, in the same words whether or not the school exists; 404 `unknown_school` only
         *     for the trust that is the caller's home site; see Errors, "Sites out of reach"), admin
         *     permission (403 `forbidden`), then the operation itself.
         *
         *     A caller acting via the trust must first have accepted the school's current terms and
         *     conditions (`acceptSchoolTerms`). Until then this route answers 403 `terms_not_accepted`,
         *     with the terms to accept in the body, before the app or connection is looked at; nothing
         *     changes. The audit record of a change via the trust has `via_trust` true, the trust as the
         *     acting site and the trust role.
         */
        post: operations["rejectSchoolApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/apps/{app}/cancel": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Put off the decision
         * @description Defers the decision on a pending request. Changes nothing and writes no audit record; it only checks that the connection is still pending and returns it (an `expired` request is `409 invalid_transition`). Putting a request off does not delay its expiry: a request still pending `serve --request-expiry-days` after it was made expires.
         *
         *     The request body may be empty or `{}`; it takes no fields (a `reason` is `400 unknown_field`: only a reject says why).
         *
         *     The caller must hold, on this school as their home site, a business role that grants
         *     `School: User Accounts: Administer`; or, on the school's trust as their home site, a trust
         *     role that grants `User Details: Manage All Users` (acting via the trust; never in a school
         *     of another trust). Checks run in this order: query (and body) validation (400/415), session
         *     (401), CSRF for cookie-authenticated changes (403), school within the caller's reach (403
         *     `forbidden`, in the same words whether or not the school exists; 404 `unknown_school` only
         *     for the trust that is the caller's home site; see Errors, "Sites out of reach"), admin
         *     permission (403 `forbidden`), then the operation itself.
         *
         *     A caller acting via the trust must first have accepted the school's current terms and
         *     conditions (`acceptSchoolTerms`). Until then this route answers 403 `terms_not_accepted`,
         *     with the terms to accept in the body, before the app or connection is looked at; nothing
         *     changes. The audit record of a change via the trust has `via_trust` true, the trust as the
         *     acting site and the trust role.
         */
        post: operations["cancelSchoolApp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/deletion-attestations": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        /**
         * What partners were asked to delete after revocations, and whether they said they did
         * @description When a school revokes an approved app (a reject from `approved`), the partner is asked, in the
         *     same transaction and in its `connection.rejected` event, to delete the school's data and to
         *     attest it did (`POST /partner/v1/connections/{school}/deletion-attestation`) within the
         *     deadline (`serve --deletion-deadline-days`, 30 by default). One item per revocation, newest
         *     first: `pending` until the partner attests, `overdue` once the deadline passed without it,
         *     `attested` once it did. Who may read: as for the school's apps (its admins, or the trust's
         *     central team).
         */
        get: operations["listSchoolDeletionAttestations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/apps/{app}/data.csv": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        /**
         * Download the list of data an app uses or requests (CSV)
         * @description A CSV file (RFC 4180, CRLF line ends) with the header `app,permission_set_version,data_type,field,read,write,update,delete` and one row per data type and field of the app's current permission set, with `yes` or `no` per operation. A grant of all fields is spelled out field by field from the data type catalogue. Rows follow the data types and, within each, the fields in sorted order. Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-` or `@`) get a leading apostrophe. Works for any app in the catalogue, whether or not it asked this school.
         *
         *     The caller must hold, on this school as their home site, a business role that grants
         *     `School: User Accounts: Administer`; or, on the school's trust as their home site, a trust
         *     role that grants `User Details: Manage All Users` (acting via the trust; never in a school
         *     of another trust). Checks run in this order: query (and body) validation (400/415), session
         *     (401), CSRF for cookie-authenticated changes (403), school within the caller's reach (403
         *     `forbidden`, in the same words whether or not the school exists; 404 `unknown_school` only
         *     for the trust that is the caller's home site; see Errors, "Sites out of reach"), admin
         *     permission (403 `forbidden`), then the operation itself.
         *
         *     A trust user may read before accepting the school's terms and conditions.
         */
        get: operations["downloadSchoolAppData"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trusts/{trust}/schools": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        /**
         * List a trust's schools with their terms and conditions
         * @description The schools of the trust, ordered by id, each with its site's current terms and conditions and whether the caller has accepted that version.
         *
         *     Only for the trust's central team: a user whose home site is this trust and who holds a trust role granting `User Details: Manage All Users`. School admins, other trusts' users and trust users without that permission get 403 `forbidden`. Checks run in this order: query validation (400), session (401), trust within the caller's reach (403 `forbidden`, in the same words whether or not the trust exists; 404 `unknown_trust` for a school within reach; see Errors, "Sites out of reach"), permission (403 `forbidden`).
         */
        get: operations["listTrustSchools"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trusts/{trust}/schools/{school}/terms-acceptance": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept a school site's terms and conditions
         * @description Records that the caller, acting via the trust, accepts the given version of the school site's terms and conditions. The version must be the school's current one (see `listTrustSchools`): the caller accepts what they were shown, and a newer version answers 409 `terms_changed`. Accepting a version again changes nothing and returns the first acceptance (200). A new version of the terms (from the tenant files) must be accepted again.
         *
         *     Until a trust user has accepted a school's current terms, every change they try in that school (approve, reject, cancel) answers 403 `terms_not_accepted`. Reads do not need the acceptance.
         *
         *     The acceptance is its own record (user, school, version, title, the trust acted from, time, request id); it is not an audit-log row, which describes connection changes.
         *
         *     Only for the trust's central team (see `listTrustSchools`). Checks run in this order: query and body validation (400/415), session (401), CSRF for cookie-authenticated requests (403), trust within the caller's reach (403 `forbidden`, in the same words whether or not the trust exists; 404 `unknown_trust` for a school within reach; see Errors, "Sites out of reach"), permission (403 `forbidden`), school of this trust (404 `unknown_school`, in the same words for another trust's school and for no school), version (409 `terms_changed`).
         */
        post: operations["acceptSchoolTerms"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trusts/{trust}/apps": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        /**
         * The apps x schools matrix of a trust
         * @description Every app of the catalogue at every school of the trust, with the connection's status (`not_requested` where the app never asked) and when and by whom it was last decided. Cells are sorted by school id, then app id, and paged by cursor: pass the page's `next_after` as `after` to get the next page (`next_after` is null on the last page). `total` counts the cells that match the filters, over all pages.
         *
         *     A read: allowed before the caller has accepted any school's terms. Only for the trust's central team (see `listTrustSchools`). Checks run in this order: query validation (400), session (401), trust within the caller's reach (403 `forbidden`, in the same words whether or not the trust exists; 404 `unknown_trust` for a school within reach; see Errors, "Sites out of reach"), permission (403 `forbidden`), then the `school` filter (404 `unknown_school` for a school outside the trust) and the `app` filter (404 `unknown_app`).
         */
        get: operations["trustMatrix"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trusts/{trust}/decisions": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve and reject many connections across the trust's schools at once
         * @description Up to 5,000 decisions (`approve` or `reject`), each on one connection of one of the trust's schools, optionally with the status the client saw (`from`). Every item is checked first; if any is refused, nothing is applied and the answer is 422 `invalid_items` listing every refused item (`errors`: index, school, app, code, message) and, for `terms_not_accepted` items, the terms to accept (`terms`). Item codes: `invalid_value` (an action other than approve or reject), `unknown_school` (no such school in this trust), `unknown_app`, `duplicate_item` (an earlier item names the same school and app), `terms_not_accepted`, `connection_not_found`, `invalid_transition` (also for an expired request, which only the partner can renew), `application_not_live`, `competitor_not_connectable`, `dummy_site_not_confirmed` (an approve at a school that is a dummy (migration) site, in a batch without `"confirm_dummy_sites": true`; the message is the warning to show, as for `approveSchoolApp`). A bulk reject carries no reason.
         *
         *     `confirm_dummy_sites` (boolean, default false) says the user has read that warning: it covers every approve of the batch at a dummy site. Rejects need nothing.
         *
         *     Otherwise all changes are applied in one transaction, each with its own audit record (acting via the trust, with this request's id), and the decision cache is updated after the commit. With replicas (`--cache redis`), every reject of an approved connection is held on every replica before the commit, as a single reject is; if the holds cannot be placed (Redis unreachable from this replica), the batch commits with a new revocation epoch and the answer waits, as for a single reject, or is 503 with nothing written in the same cases. If a connection changed between the check and the commit, nothing is written and the answer is 409 `concurrent_change`.
         *
         *     **Idempotency-Key** (required): a client-chosen key, unique per batch (for example a UUID). The first answer (200 or 422) is kept, per user, trust and key, in the database, so that a retry of the same request on any replica gets it again, verbatim, with `Idempotent-Replayed: true`, and applies nothing. The same key with another body answers 422 `idempotency_key_reused`; while the first request with the key is still running, 409 `idempotency_key_in_progress`. Answers that are no answer (409 `concurrent_change`, 503, 500) free the key for a retry. A request that never finished (its process died) holds its key for 5 minutes; then a retry takes it over. Malformed requests (400) do not use the key.
         *
         *     Only for the trust's central team (see `listTrustSchools`). Checks run in this order: query and header validation (400), session (401), CSRF for cookie-authenticated requests (403), trust within the caller's reach (403 `forbidden`, in the same words whether or not the trust exists; 404 `unknown_trust` for a school within reach; see Errors, "Sites out of reach"), permission (403 `forbidden`), body validation (400/415), the key (replay, 409, 422), the items (422).
         */
        post: operations["bulkDecide"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trusts/{trust}/deletion-attestations": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        /**
         * Deletion requests after revocations across the trust's schools
         * @description The deletion requests of every school of the trust, newest first, as `GET /api/v1/schools/{school}/deletion-attestations` gives them per school. For the trust's central team.
         */
        get: operations["listTrustDeletionAttestations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trusts/{trust}/export.csv": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        /**
         * The trust-wide CSV of every connection's data, for the data-protection officer
         * @description One row per connection of the trust's schools and data type of the app's permission set: `school`, `school_name`, `app`, `app_name`, `status`, `permission_set_version`, `data_type`, `fields` and `operations` (each `; `-separated), `decided_by` (the last decision's actor, `Name <email>` for a known user; empty while undecided) and `decided_at` (RFC 3339, empty while undecided). Sorted by school, then app, then the permission set's order. Cells are quoted as RFC 4180 says, and a cell a spreadsheet would run as a formula starts with an apostrophe.
         *
         *     A read: allowed before the caller has accepted any school's terms. Only for the trust's central team (see `listTrustSchools`).
         */
        get: operations["trustExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's notifications, newest first
         * @description Notifications of the schools the caller may act in: a school admin sees their school's, a trust's central team all of their trust's schools' together, anyone else none (an empty list, not an error). Who sees what is decided when the list is read, by the same rule as acting in a school. Today one kind exists: `connection_requested`, added in the same transaction as a partner's new connection request.
         *
         *     Pages go backwards by id: pass the `next_before` of a page as `before` to get the next one; `next_before` is null on the last page. `unread_count` counts the caller's unread notifications over all their schools, not only this page. Read state is per user.
         */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications/{notification}/read": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The notification id (a positive whole number; anything else is `unknown_notification`).
                 * @example 12
                 */
                notification: components["parameters"]["NotificationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark a notification read (for the caller)
         * @description Marks the notification read for the caller only. Marking it again keeps the first read time. A notification of a school the caller may not act in is answered like one that does not exist. The request body may be empty or `{}`; it takes no fields.
         */
        post: operations["markNotificationRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/notifications/read-all": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark the caller's notifications read
         * @description Marks read, for the caller, every notification of their schools with an id up to `up_to` (the newest the caller has seen, so one that arrived meanwhile stays unread); without `up_to`, all of them.
         */
        post: operations["markAllNotificationsRead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites/{site}/users": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A school or trust site id. Percent-decoded on its own.
                 * @example oakfield-primary
                 */
                site: components["parameters"]["Site"];
            };
            cookie?: never;
        };
        /**
         * A site's users, each with their newest sign-in attempt
         * @description Every user whose home site is this site (a school's staff, or a trust's own central users), disabled ones (leavers) included, sorted by name, then email (both in byte order: upper case before lower case). Each comes with their newest sign-in attempt, success or failure (`last_sign_in`, null when they never tried); `listUserLogins` gives the whole history of one of them.
         *
         *     Not paged: a site's users are its staff, a list short enough to show whole (like `listTrustSchools`). The route takes no query parameters; `limit`, `before` or any other is `400 unknown_parameter`.
         *
         *     Allowed to whoever may manage the site's users, as for `listUserLogins`: for a school, its admins (`School: User Accounts: Administer`) and the central team of its trust (`User Details: Manage All Users`); for a trust site, its central team. Office staff, teachers, admins of other schools and users of other trusts get 403 `forbidden`. Checks run in this order: query validation (400), session (401), site within the caller's reach (403 `forbidden`, in the same words whether or not the site exists; see Errors, "Sites out of reach"), permission (403 `forbidden`).
         *
         *     Nothing secret is listed: no password hash, lock state or session.
         */
        get: operations["listSiteUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites/{site}/users/{user}/logins": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A school or trust site id. Percent-decoded on its own.
                 * @example oakfield-primary
                 */
                site: components["parameters"]["Site"];
                /**
                 * @description The user's email, matched case-insensitively as at sign-in.
                 * @example joanne.hughes@oakfield-primary.example
                 */
                user: components["parameters"]["UserEmail"];
            };
            cookie?: never;
        };
        /**
         * A user's sign-in history
         * @description Every sign-in attempt of a user of the site (successes and failures), newest first, paged like `listNotifications`.
         *
         *     Allowed to whoever may manage the site's users: for a school, its admins (`School: User Accounts: Administer`) and the central team of its trust (`User Details: Manage All Users`); for a trust site, its central team, who thus see the trust's own users too. Office staff, teachers and trust users without the permission get 403 `forbidden`, and so does anyone asking about a site outside their reach. Checks run in this order: query validation (400), session (401), site within the caller's reach (403 `forbidden`, in the same words whether or not the site exists; see Errors, "Sites out of reach"), permission (403 `forbidden`), user at that site (404 `unknown_user`).
         *
         *     `address` and `user_agent` are what the client sent (bounded); bytes that are not UTF-8 are sent as U+FFFD.
         */
        get: operations["listUserLogins"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/schools/{school}/audit": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        /**
         * A school's audit trail, newest first (JSON or CSV)
         * @description The audit records of one school: one record per connection change (a partner's request, an approval, a reject, a request's expiry, a tenants import), and, when the school's dummy (migration) site went live, one per connection approved then. A reject for which the school gave a reason carries it in `reason` (its code and the school's note; null on every other record), in JSON only: the CSV has no column for it yet. An expiry is action `expire` by the system actor `request-expiry`; a go-live is action `go_live`, from `approved` to `approved`, by the system actor `operator`.
         *
         *     The caller must hold, on this school as their home site, a business role that grants `School: User Accounts: Administer`; or, on the school's trust as their home site, a trust role that grants `User Details: Manage All Users`. Reading needs no terms acceptance. Checks run in this order: query validation (400), session (401), school (404 `unknown_school`, also for a trust id), permission (403 `forbidden`).
         *
         *     Records are ordered newest first: by time, then school, then id (which follows `seq` within a school), all descending. Pages go backwards: pass the `next_before` of a page as `before` for the next one; it is null on the last page. Every parameter is checked before any work: an unknown one is `400 unknown_parameter`, a bad or repeated value (including a `before` that is not a record in view, and `from` not before `to`) `400 invalid_value`.
         *
         *     Each school's records form a hash chain: `seq` counts 1, 2, 3, ... per school, `prev_hash` is the `hash` of the school's record before (`""` for seq 1), and `hash` is BLAKE2b-256 over the record's canonical encoding (see docs/design/audit-trail.md, "Audit trail"). `seq`, `prev_hash` and `hash` are null on a record that is not chained (written behind Canopy's back, which `canopy audit verify` reports).
         */
        get: operations["listSchoolAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trusts/{trust}/audit": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        /**
         * The audit trail of a trust's schools, newest first (JSON or CSV)
         * @description The audit records of every school of the trust together, for the trust's central team: a user whose home site is this trust and who holds a trust role granting `User Details: Manage All Users`. School admins, other trusts' users and trust users without that permission get 403 `forbidden`. Checks run in this order: query validation (400), session (401), trust within the caller's reach (403 `forbidden`, in the same words whether or not the trust exists; 404 `unknown_trust` for a school within reach; see Errors, "Sites out of reach"), permission (403 `forbidden`).
         *
         *     Records are ordered newest first: by time, then school, then id (which follows `seq` within a school), all descending. Pages go backwards: pass the `next_before` of a page as `before` for the next one; it is null on the last page. Every parameter is checked before any work: an unknown one is `400 unknown_parameter`, a bad or repeated value (including a `before` that is not a record in view, and `from` not before `to`) `400 invalid_value`.
         *
         *     Each school's records form a hash chain: `seq` counts 1, 2, 3, ... per school, `prev_hash` is the `hash` of the school's record before (`""` for seq 1), and `hash` is BLAKE2b-256 over the record's canonical encoding (see docs/design/audit-trail.md, "Audit trail"). `seq`, `prev_hash` and `hash` are null on a record that is not chained (written behind Canopy's back, which `canopy audit verify` reports).
         */
        get: operations["listTrustAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/v1/connection-requests": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask a school for a connection
         * @description Creates a pending connection between the calling app and the school, recording the app's current permission set version, with one audit record in the same transaction. With `canopy serve --cache redis`, the `201` is sent once the other replicas have acknowledged the new connection, as for a reject. Asking again while the connection is pending or approved returns it unchanged with `200`. A school that has rejected the app must approve it itself: asking again gets `409 request_rejected`.
         *
         *     A request nobody decided within `serve --request-expiry-days` (30 by default) is `expired` (the app hears `connection.expired`). Asking again then renews it: `201`, pending again, `requested_at` now, at the app's current permission set version, with an audit record (`request`, from `expired`), a new notification for the school's admins and a `connection.requested` event whose `previous_status` is `expired`. The renewed request expires in its turn, counted from its new `requested_at`.
         *
         *     Credentials are checked before the body, so a bad body from an unauthenticated caller gets 401.
         */
        post: operations["requestConnection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/v1/connection-requests/{school}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        /**
         * Read the calling app's connection with a school
         * @description The calling app's connection with the school: status, when it was requested and decided and, when the school rejected it and said why, `reject_reason`. `expired`: nobody decided the request within `serve --request-expiry-days`; ask again with `requestConnection`.
         */
        get: operations["getConnectionStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/v1/connections": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * List the calling app's connections, or the schools with its new permission set to review
         * @description The calling app's connections, by school id, a page at a time: `after` is the last school of the page before (`next_after`, null on the last page). `status` keeps one status (`pending`, `approved`, `rejected`, `expired`), or `permissions_for_review`: the schools whose approval is of an earlier version of the app's permission set than its current one (`current_permission_set_version`). There the app keeps what both versions grant and is denied the rest until the school approves again; each such school's admins see the additions, each with its purpose, in Partner Apps.
         */
        get: operations["listPartnerConnections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/v1/connect-links": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Make a one-time link for a school user (the alternative connection)
         * @description The alternative connection, the partner's half. An app whose policy offers it (`alternative_connection: true` in `policies/apps/<app>.yaml`) makes a one-time link for one school and sends it to a user at that school, instead of asking the school with `requestConnection`. The link opens Canopy's page (`GET /connect`), where a school user signs in with their MIS email and password, sees the app, its company and its permission table, and approves (`openConnectLink`, `connectSignIn`, `approveThroughLink`; see "The alternative connection" above). The approval is like one from Partner Apps, from whatever state the connection is in (none included): the app gets `connection.approved`, and the link is spent. Making a link changes no connection, writes no audit record or partner event, and tells the school nothing.
         *
         *     `url` is the service's public URL (`canopy serve --public-url`) followed by `/connect#` and a token of 43 base64url characters (256 random bits). The token is in the fragment, which browsers send to no server, so it stays out of access logs, proxies and `Referer` headers. This answer is the only place it appears: Canopy keeps only its BLAKE2b-256 digest, so a lost link cannot be shown again (make another). The answer carries `Cache-Control: no-store`. Each call makes a new link, and earlier ones stay as they were. A link expires `canopy serve --connect-link-hours` after it is made (24 by default; `expires_at`).
         *
         *     `redirect_uri` is optional; when given (not empty), it must be exactly one of the `redirect_uris` registered in the app's policy, byte for byte: another case, a trailing slash, an extra path segment or another app's URI is `400 redirect_uri_not_registered`. `state` is the partner's own value, at most 500 printable ASCII characters without spaces (`400 invalid_value` otherwise). Both are kept with the link: once the user has approved or cancelled on the page, the browser goes back to `redirect_uri` with `outcome` (`approved` or `cancelled`), `school` and `state` added as query parameters, each percent-encoded (see `ConnectReturnUrl`); the answer does not repeat `state`. Without a `redirect_uri` the page says the outcome and sends the browser nowhere.
         *
         *     Checks run in this order: credentials (401), the body (400, 415; a `school` that is not an id is `400 invalid_value`), the app (403 `alternative_connection_not_offered`, then `competitor_not_connectable`, then `application_not_live`), `redirect_uri` (400 `redirect_uri_not_registered`), `state` (400 `invalid_value`), the school (404 `unknown_school`; a trust id is not a school). A refused request makes no link.
         */
        post: operations["createConnectLink"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/v1/connections/{school}/deletion-attestation": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Attest that the app deleted a school's data after a revocation
         * @description The answer to the `deletion` a `connection.rejected` event carries: the calling app says it
         *     deleted what it held of the school's data. It attests the newest request of that school;
         *     the school and its trust see it. Attesting again changes nothing: the first attestation,
         *     and its note, stand. The body is empty, `{}`, or `{"note": "..."}` (plain text, at most
         *     500 bytes, no control characters but line breaks).
         */
        post: operations["attestDeletion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partner/v1/events": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * The calling app's events, oldest first, after a cursor
         * @description The events of the calling app's connections, in the order they were written, each as its webhook sends it (`type`, `timestamp`, `data`) with its `id` (the `webhook-id`) and `seq`, the cursor. Send `after=0` (or nothing) to start from the oldest event Canopy keeps (90 days), then the `next_after` of each page; a page with no events gives back the same `next_after`, so a poller keeps sending it. Nothing here depends on the webhook: an event is listed whether or not it was delivered, and an app without an endpoint reads its events only here.
         *
         *     With the MySQL store, two changes that commit at the same moment can become visible out of `seq` order, so an event can appear just behind a cursor a poller has already passed (its webhook delivery is not affected). A poller that must see every event re-reads a little behind its cursor and skips the ids it has seen.
         *
         *     Credentials are checked before the query, so a bad query from an unauthenticated caller gets 401.
         */
        get: operations["listPartnerEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/decisions": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * May this app do this operation on this data of this school?
         * @description The question the data API gateway asks on every partner request: may `app` do
         *     `operation` on `data_type` (optionally one `field`) of `school`, right now?
         *
         *     The answer is always `200` with `allow` and a `reason`; a deny is not an HTTP error.
         *     Errors (4xx/5xx) are about the request itself, or `503 unavailable` when the answer needs
         *     the database and it cannot be reached.
         *
         *     Evaluation order (first match wins):
         *
         *     1. The app: `unknown_app`, `competitor`, `application_not_live` (from the policy
         *        catalogue in force: loaded at start-up, and again on SIGHUP or
         *        `POST /internal/v1/policies/reload`).
         *     2. The connection of `school` and `app`: `unknown_school`, `not_requested`, `pending`, `rejected`,
         *        `request_expired`.
         *     3. The app's current permission set: `data_type_not_granted`, then `field_not_granted`
         *        (only when `field` is given and is not among the granted fields; a grant of all fields
         *        covers exactly the fields the catalogue lists for the data type), then
         *        `operation_not_granted`.
         *     4. An approved connection whose permission set version is not the app's current one: the
         *        set of the approved version (kept in the policies under `history:`) must grant it too,
         *        else `reconsent_required` (also when the policies no longer keep that version). So a
         *        set that grows keeps every school on what it approved, and one that shrinks takes the
         *        difference away at once.
         *     5. Otherwise `allow: true` with reason `approved`.
         *
         *     Without `field`, the question is whether the operation is granted on the data type at all.
         *
         *     Answers come from the in-process decision cache when it holds the (school, app) pair
         *     (with `--cache redis`, only while the replica's heartbeat through Redis and its last
         *     poll of the store's revocation epoch are recent), then, with `--cache redis`, from
         *     Redis (entries of the current revocation epoch only); otherwise the store is read on the blocking
         *     thread pool and the caches are filled. A reject updates the caches (with `--cache redis`,
         *     those of every replica) before its HTTP response is sent, so once a reject has been
         *     answered, a decision request that arrives after that answer denies. A decision request
         *     already past its read when the reject reaches what it read (the database, Redis or the
         *     in-process cache) may still answer allow; so may one whose in-process cache read falls
         *     in the short window between the commit and the cache update. With `--cache local` the
         *     cache is per process: another `canopy serve` on the same database does not see the
         *     reject. Unknown schools are not cached. When the answer needs the database and the
         *     database cannot be reached, the response is `503 unavailable`.
         */
        get: operations["checkDecision"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/policies/reload": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Read the policies directory again and put it in force
         * @description What `canopy policies reload` asks (SIGHUP does the same). The directory `serve --policies` names is read and validated as at start-up; when it validates, it is in force for every request from then on, without a restart and without clearing any cache (decisions always evaluate against the policies in force). When it does not, nothing changes: the answer is `422 invalid_policies` with every problem as `file:line: message`, and the same lines are logged. One replica at a time: each replica reads its own files. Service token only; on the internal listener when there is one. The body must be empty or `{}`.
         */
        post: operations["reloadPolicies"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/partner-events": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Every app's partner events with their delivery state, newest first
         * @description The partner events in the store (kept 90 days), newest first, with where each one stands: `pending` (to be delivered: `next_attempt_at` says when it is next due), `delivered` (an endpoint answered `2xx`) or `failed` (its attempts or its age ran out: see `POST /internal/v1/partner-events/{event}/redeliver`). `attempts` counts the attempts started since the event was written or last redelivered; `last_error` is the last failed attempt's error (`""` when none failed). An app with no endpoint in `serve --webhooks` has its events here too, `pending` with no attempt: nothing claims them.
         *
         *     `app` and `state` narrow the list; an id that names no app gives an empty list. Pages go backwards by `seq`: pass the `next_before` of a page as `before` to get the next one; `next_before` is null when the page was not full. Service token only; on the internal listener when there is one.
         */
        get: operations["listPartnerEventsForOperator"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/partner-events/{event}": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A partner event's id, which is also its `webhook-id`. Canopy makes `msg_` and 22 base64url characters; a segment that is not `msg_` and 1 to 60 characters of `[A-Za-z0-9_-]` is `404 not_found`, like an unknown id.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                event: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        /**
         * One partner event with its delivery log
         * @description The event as `GET /internal/v1/partner-events` shows it, with `deliveries`: its latest 100 delivery attempts, newest first, each with the replica that made it, when it started, how long it took, the status the endpoint answered (null when there was no answer: refused, timed out, TLS failed) and the error. An attempt whose replica stopped before it could record it (`kill -9`) has no entry; the next one, by the same or another replica once the lease ran out, counts on from it. Service token only; on the internal listener when there is one.
         */
        get: operations["getPartnerEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/partner-events/{event}/redeliver": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A partner event's id, which is also its `webhook-id`. Canopy makes `msg_` and 22 base64url characters; a segment that is not `msg_` and 1 to 60 characters of `[A-Za-z0-9_-]` is `404 not_found`, like an unknown id.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                event: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deliver a partner event again
         * @description Puts the event back to `pending`, due now, with its count of attempts started afresh, whatever its state: a `failed` event (the partner's endpoint was down for longer than the retries lasted), or a `delivered` one the partner asks for again. A replica with an endpoint for the app sends it within `--webhook-poll-ms`, with the same `webhook-id` and body and a new timestamp and signature; its earlier attempts stay in the log. An event older than `serve`'s maximum age (72 hours) gets one attempt: if that fails, it is `failed` again. The body must be empty or `{}`. Service token only; on the internal listener when there is one.
         */
        post: operations["redeliverPartnerEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/internal/v1/schools/{school}/go-live": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A dummy (migration) school site goes live
         * @description For the operator, when a school's MIS moves from its dummy (migration) site to the live one: the site is wiped and remigrated, and the school's record ids (students, staff, ...) change. In one transaction the school stops being a dummy site (`dummy: false`: the banner and the warnings go, and an approve there needs no `confirm_dummy_site` any more), and for each connection approved at the school at that moment an audit record is written (action `go_live`, from `approved` to `approved`, actor `operator` of kind `system`, this request's id) and its partner is sent `school.ids_changed` (see `webhooks`). Every connection stays as it is, in every status, at its revision: nothing is published to the caches, and decisions do not change. `told` lists the approved connections whose partners were told, by app id.
         *
         *     `canopy schools go-live SCHOOL` and `canopy tenants import` (for a dummy site its files list as live) do the same. The body must be empty or `{}`; no query parameters. Service token only; on the internal listener when there is one. Checks run in this order: the service token (401), query and body (400/415), the school (404), then the go-live (409 when the school is live already).
         */
        post: operations["goLiveSchool"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers 200 while the process serves HTTP. Touches nothing else.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Ready when the server is not shutting down, the database answered its last probe with a schema version at least this binary's (with `serve --migrations wait`, a migration job brings it there; an older binary stays ready on a newer schema during a rolling upgrade) and, with `--cache redis`, Redis has been connected to once since the start (a later Redis outage is answered from the database, not by going unready). The probe is one read-only `SELECT` from `schema_migrations` (it writes nothing and runs no DDL), every second on a thread of its own; this answers from its last result at once (not ready when no probe finished for 3 s), never waiting on a pool. From the first moment of a shutdown (SIGTERM) it answers 503, while the listeners go on serving for `serve --shutdown-delay` seconds.
         */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Counters, gauges and histograms in the Prometheus text format 0.0.4: requests by listener, route template, method and status with their latencies; decisions by outcome and reason; decision cache lookups by level; revocation holds and their acknowledgement time; bulk batch sizes; sign-in attempts by outcome; partner event deliveries by outcome, with their durations; the database pool; the Redis connections; the policies loaded; the build. Every label value comes from a fixed set (route templates, reason codes), never from a school or app id. With `serve --metrics-listen`, only that listener serves it (the others answer 404); with `serve --no-metrics` it answers 404. docs/operations.md, "Metrics", says what each series means.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "connection.requested": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A partner asked a school for a connection
         * @description Sent when the app asks a school (`POST /partner/v1/connection-requests` creating a pending connection, or renewing an expired request: then `previous_status` is `expired`), or when `canopy tenants import` creates a pending one. The school has not decided yet: the gateway denies until `connection.approved`. Canopy POSTs it to the app's endpoint in `serve --webhooks`, signed, with `Content-Type: application/json` and `User-Agent: Canopy-Webhooks/1.0`, until the endpoint answers `2xx` (see "Partner events" above).
         */
        post: operations["connectionRequestedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "connection.approved": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A school approved the app
         * @description Sent when a school's admin, or its trust's central team, approves the app (alone or in a bulk decision, from Partner Apps or through one of the app's alternative-connection links: then `previous_status` may be null, for a connection the approval created), or when `canopy tenants import` creates an approved connection. `permission_set_version` is the version approved: the gateway allows what that version and the current one both grant. Canopy POSTs it to the app's endpoint in `serve --webhooks`, signed, with `Content-Type: application/json` and `User-Agent: Canopy-Webhooks/1.0`, until the endpoint answers `2xx` (see "Partner events" above).
         */
        post: operations["connectionApprovedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "connection.rejected": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A school rejected the app, or revoked its approval
         * @description Sent when a school's admin, or its trust's central team, rejects a pending request or revokes an approval (alone or in a bulk decision; `previous_status` tells which), or when `canopy tenants import` creates a rejected connection. From the change on, the gateway denies every request of the app for the school; stop syncing the school. When the school said why, `data.reason` holds its reason: `code` (match on it), `text` (the code in words) and `note` (the school's own words, plain text, possibly empty); a reject without a reason, and every bulk reject, has no `reason`. Canopy POSTs it to the app's endpoint in `serve --webhooks`, signed, with `Content-Type: application/json` and `User-Agent: Canopy-Webhooks/1.0`, until the endpoint answers `2xx` (see "Partner events" above).
         */
        post: operations["connectionRejectedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "connection.expired": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Nobody decided the app's request in time
         * @description Sent when a pending request has waited `canopy serve --request-expiry-days` (30 by default) without an approval or a reject: the connection is `expired`, and the gateway denies with `request_expired`. Nothing was decided, so nothing needs undoing; to try again, ask the school again with `POST /partner/v1/connection-requests` (a new `connection.requested` follows). `by` is `canopy`. Canopy POSTs it to the app's endpoint in `serve --webhooks`, signed, with `Content-Type: application/json` and `User-Agent: Canopy-Webhooks/1.0`, until the endpoint answers `2xx` (see "Partner events" above).
         */
        post: operations["connectionExpiredWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "school.ids_changed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A school's dummy site went live; its record ids changed
         * @description Sent to every app approved at a school when the school's dummy (migration) site goes live (the operator's `POST /internal/v1/schools/{school}/go-live` or `canopy schools go-live`, or a `canopy tenants import` whose files list the site as live). The approval stands: the connection is as it was (`status` `approved`, `revision` unchanged), and the gateway goes on allowing what it allowed. But the school's MIS was wiped and remigrated, so every record id the app holds for the school (students, staff, ...) is the dummy site's and names nothing now: drop them and sync the school again, with the new ids. `went_live_at` is when it went live. An app that is not approved at the school at that moment (pending, rejected, expired) is not told. Canopy POSTs it to the app's endpoint in `serve --webhooks`, signed, with `Content-Type: application/json` and `User-Agent: Canopy-Webhooks/1.0`, until the endpoint answers `2xx` (see "Partner events" above).
         */
        post: operations["schoolIdsChangedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /**
         * @description The body of every failure.
         * @example {
         *       "code": "unknown_school",
         *       "message": "no school 'nowhere'"
         *     }
         */
        Error: {
            code: components["schemas"]["ErrorCode"];
            /** @description For people; may change. Never holds internal details. */
            message: string;
            /** @description Only with `terms_not_accepted`; the terms and conditions to accept first. */
            terms?: components["schemas"]["TermsToAccept"][];
            /** @description Only with `trust_requirements_not_met`: what the trust user lacks to approve through an alternative-connection link, each once, in this order: `permission` (a trust role granting `User Details: Manage All Users`), `signed_in_to_school` (has never opened the school from the trust), `terms_accepted` (has not accepted the school's current terms and conditions). */
            missing?: ("permission" | "signed_in_to_school" | "terms_accepted")[];
        };
        /**
         * @description Stable error codes (`src/core/error.cpp`; the HTTP status mapping is in `src/api/errors.cpp`,
         *     and the codes the HTTP layer produces itself are in `src/http/server.cpp`).
         *
         *     | code | status | when |
         *     |------|--------|------|
         *     | `bad_request` | 400 | not valid HTTP/1.1, or a bad percent-escape in the target |
         *     | `malformed_json` | 400 | the body is not valid JSON |
         *     | `duplicate_key` | 400 | a JSON object in the body names the same key twice |
         *     | `unknown_field` | 400 | the body has a field the request does not take |
         *     | `missing_field` | 400 | a required body field is absent |
         *     | `wrong_type` | 400 | the body is not an object, or a field has the wrong JSON type |
         *     | `invalid_value` | 400 | a value is out of range or not one of the allowed words; an id in a query or body that is not an id (see Ids); a query parameter given twice |
         *     | `unknown_parameter` | 400 | a query parameter the request does not take |
         *     | `missing_parameter` | 400 | a required query parameter is absent or empty |
         *     | `body_too_large` | 413 | the body is over 64 KiB (1 MiB for bulk decisions) |
         *     | `headers_too_large` | 431 | the request headers are over 8 KiB |
         *     | `unsupported_media_type` | 415 | a non-empty body without `Content-Type: application/json` |
         *     | `unauthenticated` | 401 | no credentials, or a session token that is unknown, signed out or expired |
         *     | `invalid_credentials` | 401 | wrong email or password (at sign-in, or on the alternative connection's page: "Invalid credentials"); unknown partner client id or wrong secret |
         *     | `too_many_attempts` | 429 | sign-in, or the alternative connection's page, throttled (by address, by email or by device cookie); see `Retry-After` |
         *     | `csrf_token_invalid` | 403 | a cookie-authenticated change without the right `X-CSRF-Token` |
         *     | `forbidden` | 403 | the caller may not administer this school's apps (or act for this trust, or manage this site's users); on `/api/v1`, also a school, trust or site outside the caller's reach, or an id that names none, in the same words (see Errors, "Sites out of reach") |
         *     | `terms_not_accepted` | 403 | acting via the trust in a school whose current terms the caller has not accepted; the body lists them in `terms` |
         *     | `not_found` | 404 | no route has this path; no partner event with this id |
         *     | `method_not_allowed` | 405 | the path exists with other methods; see `Allow` |
         *     | `unknown_school` | 404 | no school with this id (a trust id is not a school); on `/api/v1`, only a path segment that is not an id, the caller's home trust asked for as a school, or a school outside the trust in a trust's routes |
         *     | `unknown_app` | 404 | no app with this id in the catalogue |
         *     | `connection_not_found` | 404 | the app has no connection with this school |
         *     | `unknown_trust` | 404 | a path segment that is not an id, or a school within the caller's reach asked for as a trust (a school id is not a trust) |
         *     | `unknown_site` | 404 | a `{site}` path segment that is not an id |
         *     | `unknown_user` | 404 | no user with this email at this site |
         *     | `unknown_notification` | 404 | no notification with this id that the caller may see |
         *     | `invalid_transition` | 409 | the action is not allowed from the connection's current status (none is from `expired`: the partner must ask again) |
         *     | `request_rejected` | 409 | a partner asked a school that has rejected it |
         *     | `application_not_live` | 403 | the app is not live ("Application Not Live"), also when a partner's link for it is opened |
         *     | `competitor_not_connectable` | 403 | the app competes with the MIS |
         *     | `concurrent_change` | 409 | the connection kept changing during the update; try again |
         *     | `terms_changed` | 409 | the terms version accepted is not the school's current one |
         *     | `dummy_site_not_confirmed` | 409 | an approve at a dummy (migration) school site (from Partner Apps or through a link) without `confirm_dummy_site` (in a bulk decision, an item error without `confirm_dummy_sites`); the message is the warning to show |
         *     | `site_already_live` | 409 | a go-live of a school that is not a dummy site: it is live already |
         *     | `alternative_connection_not_offered` | 403 | a partner asked for a connect link (`createConnectLink`), or a link was opened, but its app's policy does not offer the alternative connection (any more) |
         *     | `redirect_uri_not_registered` | 400 | a connect link's `redirect_uri` is not exactly one of the `redirect_uris` registered in the app's policy |
         *     | `connect_link_unknown` | 404 | (the alternative connection's page) no link has this token, or it is not a token; or the link's app or school is gone |
         *     | `connect_link_expired` | 410 | (the page) the link expired before an approval spent it |
         *     | `connect_link_used` | 410 | (the page) an approval spent the link already: each link approves once |
         *     | `connect_link_other_school` | 403 | (the page) the user who signed in belongs neither to the link's school nor to its trust |
         *     | `connect_sign_in_expired` | 401 | (the page) the approve's ticket is older than 15 minutes, was replaced by a later sign-in on the link, is another link's or none, or its user was disabled or given a new password since: sign in on the link again |
         *     | `permissions_changed` | 409 | (the page) the approve names the version of the app's permission set the page showed, and the app's set has changed since: sign in on the link again to review it |
         *     | `no_credentials` | 400 | (the page) the email or the password is empty ("No credentials") |
         *     | `not_authorised_for_school` | 403 | (the page) a user of the school without the permission to administer its apps ("You are not authorised to approve apps on behalf of your school") |
         *     | `approve_from_partner_apps` | 403 | (the page) a user who signs in to the MIS with single sign-on or two-step verification, which the page cannot ask for: approve from Partner Apps instead |
         *     | `trust_requirements_not_met` | 403 | (the page) a trust user without the trust permission, who never opened the school from the trust, or who has not accepted its current terms; the body lists which in `missing` |
         *     | `invalid_items` | 422 | a bulk decision was refused: the body lists every refused item in `errors` |
         *     | `duplicate_item` | 409 | (a bulk item) an earlier item names the same school and app |
         *     | `idempotency_key_reused` | 422 | the Idempotency-Key was used before with another request body |
         *     | `idempotency_key_in_progress` | 409 | the first request with this Idempotency-Key is still running |
         *     | `too_many_connections` | 503 | the server is at its connection limit |
         *     | `unavailable` | 503 | not ready (`/readyz`), or the database cannot be reached (with `Retry-After: 2`) |
         *     | `internal` | 500 | an unexpected failure; the message quotes the request id |
         * @enum {string}
         */
        ErrorCode: "bad_request" | "malformed_json" | "duplicate_key" | "unknown_field" | "missing_field" | "wrong_type" | "invalid_value" | "unknown_parameter" | "missing_parameter" | "body_too_large" | "headers_too_large" | "unsupported_media_type" | "unauthenticated" | "invalid_credentials" | "too_many_attempts" | "csrf_token_invalid" | "forbidden" | "terms_not_accepted" | "not_found" | "method_not_allowed" | "unknown_school" | "unknown_app" | "connection_not_found" | "unknown_trust" | "unknown_site" | "unknown_user" | "unknown_notification" | "invalid_transition" | "request_rejected" | "application_not_live" | "competitor_not_connectable" | "concurrent_change" | "terms_changed" | "dummy_site_not_confirmed" | "site_already_live" | "alternative_connection_not_offered" | "redirect_uri_not_registered" | "connect_link_unknown" | "connect_link_expired" | "connect_link_used" | "connect_link_other_school" | "connect_sign_in_expired" | "permissions_changed" | "no_credentials" | "not_authorised_for_school" | "approve_from_partner_apps" | "trust_requirements_not_met" | "invalid_items" | "duplicate_item" | "idempotency_key_reused" | "idempotency_key_in_progress" | "too_many_connections" | "unavailable" | "internal";
        SignInRequest: {
            /**
             * @description The MIS email; matched case-insensitively. At most 254 bytes (UTF-8).
             * @example fiona.campbell@riverside-academy.example
             */
            email: string;
            /**
             * Format: password
             * @description At most 1024 bytes (UTF-8).
             * @example correct horse battery
             */
            password: string;
            /**
             * @description true for an API client that wants the session token in the body, to send as `Authorization: Bearer` (and no cookie); false or absent for a browser (cookie only).
             * @default false
             */
            token?: boolean;
        };
        User: {
            /**
             * @description Lower case.
             * @example fiona.campbell@riverside-academy.example
             */
            email: string;
            /** @example Fiona Campbell */
            name: string;
            /**
             * @description The id of the school or trust the user belongs to.
             * @example riverside-academy
             */
            home_site: string;
            /**
             * @description Business role ids, sorted.
             * @example [
             *       "school_administrator"
             *     ]
             */
            roles: string[];
        };
        SignInResponse: {
            /**
             * @description Only with `"token": true`: the session token (43 characters, base64url). Send as `Authorization: Bearer`. Only its digest is stored.
             * @example FdyxJw3ac9PTtm-sw7LXRR_O2_fkjRnMVaM3NCPPrZc
             */
            token?: string;
            /**
             * @description Only for a browser sign-in (without `"token": true`). Send in `X-CSRF-Token` on state changes made with the cookie. Derived from the session token (64 hex characters).
             * @example b9cfa176ed298d36f743eb09b6e74fe30a0cf07fb837f15bda859213cbc7636a
             */
            csrf_token?: string;
            /**
             * Format: date-time
             * @description When the session ends (UTC, milliseconds).
             */
            expires_at: string;
            user: components["schemas"]["User"];
        };
        /** @description The signed-in user, plus the session's CSRF token. */
        Me: components["schemas"]["User"] & {
            /** @example b9cfa176ed298d36f743eb09b6e74fe30a0cf07fb837f15bda859213cbc7636a */
            csrf_token: string;
        };
        /**
         * @description A connection's state: `pending` (asked, undecided), `approved`, `rejected` (also after a revoke), `expired` (a pending request nobody decided within `serve --request-expiry-days`; the school can no longer decide it, and the partner may ask again, which makes it `pending`).
         * @enum {string}
         */
        ConnectionStatus: "pending" | "approved" | "rejected" | "expired";
        /**
         * @description `data_provider` apps (such as Wonde or Groupcall) may only read.
         * @enum {string}
         */
        AppKind: "partner" | "data_provider";
        /**
         * @description `write` means create.
         * @enum {string}
         */
        Operation: "read" | "write" | "update" | "delete";
        /** @description One row of a school's app list. */
        ConnectionSummary: {
            /**
             * @description The app id.
             * @example lgfl
             */
            app: string;
            /** @example LGfL */
            name: string;
            /** @example London Grid for Learning Trust */
            vendor: string;
            kind: components["schemas"]["AppKind"];
            status: components["schemas"]["ConnectionStatus"];
            /**
             * @description The permission set version the app asked for, or the school last approved.
             * @example 1
             */
            permission_set_version: number;
            /**
             * Format: date-time
             * @description When the app asked; for a request asked again after it expired, the time it asked again; for a connection an approval through an alternative-connection link made, the time of that approval.
             */
            requested_at: string;
            /**
             * Format: date-time
             * @description The last approve or reject; null while undecided (an expiry is no decision).
             */
            decided_at: string | null;
            /**
             * @description Who made the last decision (a user's email, or `tenants-import` for demo data); null while undecided.
             * @example fiona.campbell@riverside-academy.example
             */
            decided_by: string | null;
            /** @description Why the school rejected, when it said (`rejectSchoolApp`); null otherwise, and once the app is approved again. */
            reject_reason: components["schemas"]["RejectReason"] | null;
        };
        ConnectionList: {
            /**
             * @description The school id.
             * @example riverside-academy
             */
            school: string;
            /**
             * @description The school's name.
             * @example Riverside Academy
             */
            school_name: string;
            /** @description The site is a dummy (migration) site, whose record ids change when it is wiped and remigrated; screens show a banner until it goes live, and an approve there needs `confirm_dummy_site`. */
            dummy: boolean;
            /** @description The status filter, or null when none was given. */
            status: components["schemas"]["ConnectionStatus"] | null;
            items: components["schemas"]["ConnectionSummary"][];
        };
        /** @description One data type of a permission set: which fields, and which operations (ticks and crosses). */
        PermissionRow: {
            /** @example EmailAddress */
            data_type: string;
            /** @description `all`, or the granted fields in sorted order. */
            fields: "all" | string[];
            read: boolean;
            /** @description Create. */
            write: boolean;
            update: boolean;
            delete: boolean;
            /**
             * @description Why the app needs this data, in its policy's words (`purpose`, one line of at most 200 bytes), shown beside the permission so a school can judge it; in `permissions_for_review`, why the app's current set asks for what the school has not approved. Empty where the app's policy does not say (and in sets of earlier versions).
             * @example Gives each pupil a school email address and keeps it up to date in the MIS.
             */
            purpose: string;
        };
        SchoolRef: {
            /** @example riverside-academy */
            id: string;
            /** @example Riverside Academy */
            name: string;
            /** @description True while the school site is still a data-migration dummy site; an approve there needs `confirm_dummy_site` (`approveSchoolApp`). False once it went live (`goLiveSchool`). */
            dummy: boolean;
        };
        /** @description An app as one school sees it: the connection fields of `ConnectionSummary` (null, with `status: not_requested`, when the app never asked), the app's catalogue entry, warnings, and the permission table of the app's current permission set. */
        ConnectionDetail: {
            /** @example lgfl */
            app: string;
            /** @example LGfL */
            name: string;
            /** @example London Grid for Learning Trust */
            vendor: string;
            kind: components["schemas"]["AppKind"];
            /**
             * @description `not_requested` when the app never asked this school; otherwise as `ConnectionStatus`.
             * @enum {string}
             */
            status: "pending" | "approved" | "rejected" | "expired" | "not_requested";
            /** @description The version asked for or approved; null when not requested. */
            permission_set_version: number | null;
            /** Format: date-time */
            requested_at: string | null;
            /** Format: date-time */
            decided_at: string | null;
            decided_by: string | null;
            /** @description Empty when the catalogue has none. */
            description: string;
            /** @description Empty when the catalogue has none. */
            website: string;
            live: boolean;
            competitor: boolean;
            /** @description The app offers the alternative connection: its partner may make one-time links (`createConnectLink`) through which a school user signs in and approves (`approveThroughLink`). */
            alternative_connection: boolean;
            /** @description The version of the app's permission set in the catalogue now. When it differs from an approved `permission_set_version`, decisions deny with `reconsent_required` until the school approves again. */
            current_permission_set_version: number;
            school: components["schemas"]["SchoolRef"];
            /**
             * @description Sentences for the admin: dummy (migration) site, changed permission set since approval, data provider.
             * @example [
             *       "This school site is still in data migration. An approval here survives the wipe and remigration, but record ids (students, staff) change then: the app must be told to use the new ids.",
             *       "Data providers may only read. Apps that use this provider get their data through it, once the school authorises them within the provider."
             *     ]
             */
            warnings: string[];
            /** @description Sorted by data type. */
            permissions: components["schemas"]["PermissionRow"][];
            /** @description For an approval of an earlier permission-set version: what the current set asks for beyond it, one row per data type and fields with the operations asked for on them (`fields: all` on a data type not approved at all, or whose every field gains an operation). Decisions follow what both the approved and the current set grant, so these are denied until the school approves again, which grants the current version. Everything the current set grants is listed when the policies no longer keep the approved version (`history:`). Empty otherwise. */
            permissions_for_review: components["schemas"]["PermissionRow"][];
            /** @description Why the school rejected, when it said (`rejectSchoolApp`); null otherwise (always null when not requested), and once the app is approved again. */
            reject_reason: components["schemas"]["RejectReason"] | null;
        };
        /** @description No fields. The body may also be left empty. */
        EmptyBody: Record<string, never>;
        /** @description An approve's body; it may also be left empty. */
        ApproveRequest: {
            /**
             * @description The admin has read the dummy (migration) site's warning (the message of `409 dummy_site_not_confirmed`) and approves there anyway. Needed for an approve at a dummy site; changes nothing at a live one.
             * @default false
             */
            confirm_dummy_site?: boolean;
        };
        /**
         * @description Why a school rejects, from a short list a partner can act on. The `text` that goes with each
         *     code in `RejectReason` (`describe` in `src/core/connection.cpp`):
         *
         *     | code | text |
         *     |------|------|
         *     | `not_needed` | The school does not need this app |
         *     | `not_requested` | The school did not ask for this connection |
         *     | `data_concerns` | Concerns about how the data would be used |
         *     | `too_many_permissions` | The app asks for more data than it needs |
         *     | `other` | Another reason (the note says which) |
         * @enum {string}
         */
        RejectReasonCode: "not_needed" | "not_requested" | "data_concerns" | "too_many_permissions" | "other";
        /** @description The optional body of a reject: why. Empty, `{}`, a `reason`, or a `reason` and a `note`. A `note` without a `reason`, a `note` over 500 bytes once trimmed or with a control character other than a line feed, and `other` without a note are `400 invalid_value`. */
        RejectRequest: {
            reason?: components["schemas"]["RejectReasonCode"];
            /**
             * @description The school's own words for the partner, only with `reason`; required (not blank) with `other`. Plain text, line feeds allowed; trimmed of surrounding spaces, tabs and line breaks, then at most 500 bytes of UTF-8. Shown to the partner as it is.
             * @example We would share staff names, but not their email addresses.
             */
            note?: string;
        };
        /** @description Why the school rejected, as it said when it did. */
        RejectReason: {
            code: components["schemas"]["RejectReasonCode"];
            /**
             * @description The code in words (see `RejectReasonCode`), for showing; may change, so match on `code`.
             * @example The app asks for more data than it needs
             */
            text: string;
            /**
             * @description The school's note, trimmed, at most 500 bytes; empty when it gave none. Plain text with line feeds; show it as text, never as HTML.
             * @example We would share staff names, but not their email addresses.
             */
            note: string;
        };
        ConnectionRequest: {
            /**
             * @description The school id.
             * @example riverside-academy
             */
            school: string;
        };
        ConnectLinkRequest: {
            /**
             * @description The school id (a trust id is not a school).
             * @example riverside-academy
             */
            school: string;
            /**
             * @description Where the link's page sends the browser back once the school user has approved or cancelled, with `outcome`, `school` and `state` added (see `ConnectReturnUrl`). Exactly one of the `redirect_uris` in the app's policy, byte for byte; absent or empty, nowhere.
             * @example https://assessment.hoddereducation.co.uk/arbor/connected
             */
            redirect_uri?: string;
            /**
             * @description The partner's own value, kept with the link and sent back, percent-encoded, with the browser to `redirect_uri`. At most 500 printable ASCII characters, without spaces.
             * @example rv-2026-11-29-7f3a
             */
            state?: string;
        };
        /** @description A new alternative-connection link. */
        ConnectLink: {
            /**
             * @description `--public-url`, then `/connect#` and the token (43 base64url characters). The only place the token is ever shown: Canopy keeps its digest only.
             * @example https://canopy.example.org/connect#uqFXO_8yBEJ-z-q8C6dm2LaMWmtKXlJbwUIL0ZKxwdI
             */
            url: string;
            /** @example riverside-academy */
            school: string;
            /**
             * @description The calling app.
             * @example hodder
             */
            app: string;
            /**
             * Format: date-time
             * @description When the link stops working, `--connect-link-hours` after it was made.
             * @example 2026-11-30T18:23:27.349Z
             */
            expires_at: string;
            /**
             * @description The `redirect_uri` the request gave; null when it gave none.
             * @example https://assessment.hoddereducation.co.uk/arbor/connected
             */
            redirect_uri: string | null;
        };
        ConnectLinkOpenRequest: {
            /**
             * @description The link's token, the 43 base64url characters after `/connect#` in its URL. Anything else names no link (`404 connect_link_unknown`).
             * @example uqFXO_8yBEJ-z-q8C6dm2LaMWmtKXlJbwUIL0ZKxwdI
             */
            link: string;
        };
        ConnectSignInRequest: {
            /**
             * @description The link's token, as for `openConnectLink`.
             * @example uqFXO_8yBEJ-z-q8C6dm2LaMWmtKXlJbwUIL0ZKxwdI
             */
            link: string;
            /**
             * @description The MIS email; matched case-insensitively. Empty is `400 no_credentials`; over 254 bytes (UTF-8), `400 invalid_value`.
             * @example fiona.campbell@riverside-academy.example
             */
            email: string;
            /**
             * Format: password
             * @description Empty is `400 no_credentials`; over 1024 bytes (UTF-8), `400 invalid_value`.
             * @example correct horse battery
             */
            password: string;
        };
        ConnectApproveRequest: {
            /**
             * @description The link's token, as for `openConnectLink`.
             * @example uqFXO_8yBEJ-z-q8C6dm2LaMWmtKXlJbwUIL0ZKxwdI
             */
            link: string;
            /**
             * @description The `ticket` of the latest `connectSignIn` on this link. Any other string, empty included, is `401 connect_sign_in_expired`.
             * @example BNhnUKhELXyALQRcB4gB4uL1MT8sqpDqsq97w2QLTi4
             */
            ticket: string;
            /**
             * @description The user has read the dummy (migration) site's warning (the message of `409 dummy_site_not_confirmed`) and approves there anyway. Needed at a dummy site; changes nothing at a live one.
             * @default false
             */
            confirm_dummy_site?: boolean;
            /**
             * @description The version of the app's permission set the page showed (`detail.current_permission_set_version` of `connectSignIn`). When the app's set has changed since (a policy reload), the approval is refused with `409 permissions_changed`, so nobody consents to a set they were not shown; sign in again to see the new one. Without it, the set in force at the approval is approved.
             * @example 2
             */
            permission_set_version?: number;
        };
        /**
         * @description Where to send the browser next: the link's `redirect_uri` (one the app's policy registers, as stored with the link), then `?` (or `&` when it has a query already) and `outcome` (`approved` after an approval, `cancelled` before one), `school` (the school id) and, when the partner gave one, `state`, each percent-encoded (every byte but letters, digits, `-`, `.`, `_` and `~`), so a `state` cannot add parameters of its own. Null when the link has no `redirect_uri`: there is nowhere to go back to.
         * @example https://assessment.hoddereducation.co.uk/arbor/connected?outcome=cancelled&school=riverside-academy&state=rv-2026-11-29-7f3a
         */
        ConnectReturnUrl: string | null;
        /** @description What an alternative-connection link is for, as its page shows it before anyone signs in. */
        OpenedConnectLink: {
            /** @description The app the link was made for. */
            app: {
                /** @example hodder */
                id: string;
                /** @example Hodder Education Assessment */
                name: string;
                /**
                 * @description The company that makes the app (the catalogue's `vendor`).
                 * @example Hodder Education
                 */
                company: string;
                kind: components["schemas"]["AppKind"];
            };
            school: components["schemas"]["SchoolRef"];
            /**
             * Format: date-time
             * @description When the link stops working, unless an approval spends it first.
             * @example 2026-11-30T18:23:27.349Z
             */
            expires_at: string;
            return_url: components["schemas"]["ConnectReturnUrl"];
        };
        /** @description A user signed in on an alternative-connection link, and what they are asked to approve. */
        ConnectSignedIn: {
            /**
             * @description For `approveThroughLink`, on this link only (43 base64url characters, 256 random bits). Canopy keeps only its digest; a later sign-in on the link replaces it.
             * @example BNhnUKhELXyALQRcB4gB4uL1MT8sqpDqsq97w2QLTi4
             */
            ticket: string;
            /**
             * Format: date-time
             * @description 15 minutes after the sign-in, or when the link expires if that is sooner.
             * @example 2026-11-29T18:46:02.114Z
             */
            ticket_expires_at: string;
            user: components["schemas"]["User"];
            /** @description Who the user approves as, as the audit trail will record it. */
            acting: {
                /**
                 * @description The school, or for a trust user the trust.
                 * @example riverside-academy
                 */
                site: string;
                /**
                 * @description The business role that permits it.
                 * @example school_administrator
                 */
                role: string;
                /** @description True for a trust user acting in one of the trust's schools. */
                via_trust: boolean;
            };
            detail: components["schemas"]["ConnectionDetail"];
            return_url: components["schemas"]["ConnectReturnUrl"];
        };
        /** @description An approval through an alternative-connection link. */
        ConnectApproved: {
            /** @constant */
            outcome: "approved";
            /** @description True when the app was approved at its current permission set already; then nothing was written but the link's use. */
            already_approved: boolean;
            connection: components["schemas"]["ConnectionSummary"];
            school: {
                /** @example riverside-academy */
                id: string;
                /** @example Riverside Academy */
                name: string;
            };
            return_url: components["schemas"]["ConnectReturnUrl"];
        };
        /** @description A connection as the partner app sees it. */
        PartnerConnection: {
            /** @example riverside-academy */
            school: string;
            /** @example hodder */
            app: string;
            status: components["schemas"]["ConnectionStatus"];
            /** @example 2 */
            permission_set_version: number;
            /**
             * Format: date-time
             * @description When the app asked; after a request that expired is asked again, the time it asked again.
             */
            requested_at: string;
            /**
             * Format: date-time
             * @description Null while undecided (and for an expired request, which nobody decided).
             */
            decided_at: string | null;
            /** @description Why the school rejected the app, when it said; null otherwise, and once the school approves the app again. */
            reject_reason: components["schemas"]["RejectReason"] | null;
        };
        /**
         * @description Why the decision came out as it did.
         *
         *     | reason | allow | meaning |
         *     |--------|-------|---------|
         *     | `approved` | true | approved, and the permission set grants this |
         *     | `unknown_app` | false | no app with this id in the catalogue |
         *     | `competitor` | false | the app competes with the MIS and is never connectable |
         *     | `application_not_live` | false | the app is not live |
         *     | `unknown_school` | false | no school with this id |
         *     | `not_requested` | false | the app never asked this school |
         *     | `pending` | false | the school has not decided yet |
         *     | `rejected` | false | the school rejected or revoked the app |
         *     | `request_expired` | false | the app asked, but nobody decided within `serve --request-expiry-days`; it must ask again |
         *     | `reconsent_required` | false | approved, but for another permission set version than the app's current one |
         *     | `data_type_not_granted` | false | the permission set does not include this data type |
         *     | `field_not_granted` | false | the data type is granted, but not this field (for an all-fields grant: a field the catalogue does not list for the type) |
         *     | `operation_not_granted` | false | the data type (and field) is granted, but not this operation |
         *
         *     Note that the deny reason for a competitor is `competitor`, while the matching error code
         *     on the consent routes is `competitor_not_connectable`.
         * @enum {string}
         */
        DecisionReason: "approved" | "unknown_app" | "competitor" | "application_not_live" | "unknown_school" | "not_requested" | "pending" | "rejected" | "reconsent_required" | "data_type_not_granted" | "field_not_granted" | "operation_not_granted" | "request_expired";
        Decision: {
            allow: boolean;
            reason: components["schemas"]["DecisionReason"];
        };
        Health: {
            /** @constant */
            status: "ok";
        };
        Ready: {
            /** @constant */
            status: "ready";
        };
        TermsToAccept: {
            /** @example oakfield-primary */
            site: string;
            /** @example 1 */
            version: number;
            /** @example Oakfield Primary School terms and conditions */
            title: string;
        };
        /** @description A school site's current terms, and whether the caller accepted that version. */
        TermsStatus: components["schemas"]["TermsToAccept"] & {
            accepted: boolean;
            /** Format: date-time */
            accepted_at: string | null;
        };
        TrustSchools: {
            /** @example oakfield-trust */
            trust: string;
            /** @example Oakfield Learning Trust */
            trust_name: string;
            items: {
                id: string;
                name: string;
                dummy: boolean;
                terms: components["schemas"]["TermsStatus"];
            }[];
        };
        TermsAcceptanceRequest: {
            /** @description The version being accepted; must be the school's current one. */
            version: number;
        };
        TermsAcceptance: {
            /** @description The school site. */
            site: string;
            version: number;
            /** @description The title of that version, as accepted. */
            title: string;
            /** @description The trust the caller acted from. */
            acting_site: string;
            /** Format: date-time */
            accepted_at: string;
        };
        Notification: {
            /** @example 12 */
            id: number;
            /** @enum {string} */
            kind: "connection_requested";
            school: {
                id: string;
                name: string;
            };
            app: {
                id: string;
                /** @description The app id when the app has left the catalogue. */
                name: string;
            };
            /** @description For people; may change. */
            message: string;
            /** Format: date-time */
            created_at: string;
            /** @description Read by the caller. */
            read: boolean;
            /**
             * Format: date-time
             * @description When the caller first read it; null while unread.
             */
            read_at: string | null;
        };
        AuditActor: {
            /** @enum {string} */
            kind: "user" | "partner" | "system";
            /** @description As recorded; a user's email, a partner's app id, or a system task: `tenants-import`, `request-expiry` (a request that expired), `operator` (a dummy site's go-live). */
            id: string;
            /** @description The user, when the actor is a user Canopy knows. */
            user_id: number | null;
            /** @description The user's email; null for partners and the system. */
            email: string | null;
            /** @description The user's name as it is now; null when not a known user. */
            name: string | null;
        };
        AuditRecord: {
            id: number;
            /** @description The record's place in its school's chain; null when it is not chained. */
            seq: number | null;
            school: string;
            app: string;
            /**
             * @description `expire`: a pending request nobody decided in time (actor `request-expiry`, kind `system`). A partner's request made again after its expiry is a `request` from `expired`. `go_live`: the school's dummy (migration) site went live while the connection was approved (actor `operator`, kind `system`; from `approved` to `approved`, the connection unchanged, and its partner told `school.ids_changed`). Its `request_id` is the go-live request's, `cli:go-live` for `canopy schools go-live`, or `import` for `canopy tenants import`.
             * @enum {string}
             */
            action: "request" | "approve" | "reject" | "expire" | "import" | "go_live";
            /**
             * @description Null when the change created the connection.
             * @enum {string|null}
             */
            from_status: "pending" | "approved" | "rejected" | "expired" | null;
            /** @enum {string} */
            to_status: "pending" | "approved" | "rejected" | "expired";
            actor: components["schemas"]["AuditActor"];
            /** @description The site the actor acted from (the trust, when via the trust). */
            actor_site: string;
            /** @description The business role that allowed the change; `partner` for a partner's request, `system` for the import's and the expiries' records, empty on `go_live` records. */
            actor_role: string;
            via_trust: boolean;
            /** Format: date-time */
            at: string;
            /** @description The id the server gave the request that made the change (its response's `X-Request-Id` and the access log's `rid=`). On records written before schema version 7 it may be an id the client sent. */
            request_id: string;
            /** @description What the client sent as `X-Request-Id`, as sent, when it was 1 to 128 printable ASCII characters without spaces; null when it sent none (or another value), and on records written before schema version 7. It is in the record's hash, so it cannot be changed later either. */
            client_request_id: string | null;
            /** @description A reject's reason, when the school gave one; null on every other record. Part of the record's hash (chain encoding version 3). */
            reason: components["schemas"]["AuditReason"] | null;
            permission_set_version: number;
            /** @description The hash of the school's previous record; empty for seq 1, null when not chained. */
            prev_hash: string | null;
            /** @description Hex BLAKE2b-256 of the record's canonical encoding; null when not chained. */
            hash: string | null;
        };
        /** @description A reject's reason as its audit record keeps it. */
        AuditReason: {
            code: components["schemas"]["RejectReasonCode"];
            /** @description The school's note, plain text; empty when it gave none. */
            note: string;
        };
        AuditPage: {
            /** @description The school asked about (school route). */
            school?: string;
            /** @description The trust asked about (trust route). */
            trust?: string;
            items: components["schemas"]["AuditRecord"][];
            /** @description Pass as `before` for the next page; null on the last page. */
            next_before: number | null;
        };
        NotificationPage: {
            items: components["schemas"]["Notification"][];
            /** @description The caller's unread notifications over all their schools. */
            unread_count: number;
            /** @description Pass as `before` for the next page; null on the last page. */
            next_before: number | null;
        };
        ReadAllRequest: {
            /** @description The newest notification id the caller has seen; absent marks all. */
            up_to?: number;
        };
        ReadAllResponse: {
            marked: number;
            unread_count: number;
        };
        LoginAttempt: {
            id: number;
            /** Format: date-time */
            at: string;
            /** @enum {string} */
            outcome: "success" | "invalid_credentials" | "too_many_attempts";
            /** @description The client's address as the server saw it; the TCP peer, or, when that is a proxy listed in `--trusted-proxies`, the client the proxy reported in the header `--forwarded-header` names. */
            address: string;
            /** @description The User-Agent the browser sent, its first 160 bytes (cut on a character boundary). What the browser reports, not a fact any party checked. */
            user_agent: string;
        };
        LoginHistory: {
            site: string;
            user: {
                email: string;
                name: string;
            };
            items: components["schemas"]["LoginAttempt"][];
            /** @description Pass as `before` for the next page; null on the last page. */
            next_before: number | null;
        };
        SiteUser: {
            /**
             * @description Lower case; the `{user}` of `listUserLogins`.
             * @example joanne.hughes@oakfield-primary.example
             */
            email: string;
            /** @example Joanne Hughes */
            name: string;
            /**
             * @description Business role ids, as stored (sorted).
             * @example [
             *       "school_office"
             *     ]
             */
            roles: string[];
            /** @description A leaver (`canopy users disable`, `tenants import --prune`), who cannot sign in. */
            disabled: boolean;
            /** @description The user's newest sign-in attempt (the first item of `listUserLogins`), or null when they have none (never tried, or every attempt is past retention). */
            last_sign_in: {
                /** Format: date-time */
                at: string;
                /** @enum {string} */
                outcome: "success" | "invalid_credentials" | "too_many_attempts";
            } | null;
        };
        SiteUsers: {
            /** @example oakfield-primary */
            site: string;
            /** @example Oakfield Primary School */
            site_name: string;
            /** @description Every user of the site, by name, then email. */
            items: components["schemas"]["SiteUser"][];
        };
        TrustMatrixCell: {
            school: string;
            school_name: string;
            app: string;
            app_name: string;
            /**
             * @description `not_requested` where the app never asked; `expired` where nobody decided its request in time (the trust cannot decide it either: only the partner can ask again).
             * @enum {string}
             */
            status: "pending" | "approved" | "rejected" | "expired" | "not_requested";
            /**
             * Format: date-time
             * @description Null when never decided.
             */
            decided_at: string | null;
            /** @description The email of the last decision's actor; null when never decided. */
            decided_by: string | null;
            /** @description As in `ConnectionDetail`; empty unless the school approved an earlier version of the app's permission set. */
            permissions_for_review: components["schemas"]["PermissionRow"][];
        };
        TrustMatrix: {
            trust: string;
            /** @description Cells matching the filters, over all pages. */
            total: number;
            items: components["schemas"]["TrustMatrixCell"][];
            /** @description Pass as `after` for the next page; null on the last page. */
            next_after: string | null;
        };
        BulkDecisionItem: {
            school: string;
            app: string;
            /** @enum {string} */
            action: "approve" | "reject";
            /**
             * @description The status the client saw (the browser UI sends the matrix cell's). If the connection is in another status now, the item is refused `invalid_transition` and nothing of the batch is applied, so a batch never makes a change its sender did not see. Without it, any status the action allows. No action is allowed from `expired`.
             * @enum {string}
             */
            from?: "pending" | "approved" | "rejected" | "expired";
        };
        BulkDecisionRequest: {
            items: components["schemas"]["BulkDecisionItem"][];
            /**
             * @description The user has read the dummy (migration) site warning (the message of the item error `dummy_site_not_confirmed`); needed for every approve at a dummy site, and covers all of the batch's.
             * @default false
             */
            confirm_dummy_sites?: boolean;
        };
        BulkDecisionResult: {
            trust: string;
            applied: number;
            /** @description The connections as written, in the order of the request's items. */
            items: {
                index: number;
                school: string;
                app: string;
                status: components["schemas"]["ConnectionStatus"];
                revision: number;
                /** Format: date-time */
                decided_at: string;
            }[];
        };
        BulkItemError: {
            /** @description The item's position in `items`, from 0. */
            index: number;
            school: string;
            app: string;
            code: components["schemas"]["ErrorCode"];
            message: string;
        };
        BulkRefusal: {
            code: components["schemas"]["ErrorCode"];
            message: string;
            /** @description With `invalid_items`; every refused item. */
            errors?: components["schemas"]["BulkItemError"][];
            /** @description With `invalid_items`, when items were refused `terms_not_accepted`. */
            terms?: components["schemas"]["TermsToAccept"][];
        };
        /**
         * @description `pending` until the partner attests, `overdue` once the deadline passed without it, `attested` once it did.
         * @enum {string}
         */
        DeletionAttestationState: "pending" | "overdue" | "attested";
        DeletionAttestation: {
            school: string;
            app: string;
            /** @description The app's name; null when it left the catalogue. */
            app_name: string | null;
            /**
             * Format: date-time
             * @description When the school revoked the app.
             */
            requested_at: string;
            /** Format: date-time */
            due_by: string;
            state: components["schemas"]["DeletionAttestationState"];
            /** Format: date-time */
            attested_at: string | null;
            /** @description What the partner said when it attested ('' when nothing). */
            note: string;
        };
        SchoolDeletionAttestations: {
            school: string;
            items: components["schemas"]["DeletionAttestation"][];
        };
        TrustDeletionAttestations: {
            trust: string;
            items: components["schemas"]["DeletionAttestation"][];
        };
        DeletionAttestationRequest: {
            note?: string;
        };
        /**
         * @description What happened. A `connection.*` type follows the status the connection moved to;
         *     `school.ids_changed` is about the school, and leaves the connection as it was.
         *
         *     | type | status | when |
         *     |------|--------|------|
         *     | `connection.requested` | `pending` | the app asked the school (`POST /partner/v1/connection-requests`), also again after its request expired, or `canopy tenants import` created a pending connection |
         *     | `connection.approved` | `approved` | the school or its trust approved the app (alone or in a bulk decision), or an import created an approved connection |
         *     | `connection.rejected` | `rejected` | the school or its trust rejected a request or revoked an approval (alone or in a bulk decision), or an import created a rejected connection; with `reason` when the school gave one |
         *     | `connection.expired` | `expired` | nobody decided the app's request within `serve --request-expiry-days`; the app may ask again |
         *     | `school.ids_changed` | `approved` | the school's dummy (migration) site went live while the app was approved there: the school's record ids (students, staff, ...) changed, so sync again from the live site; sent to every app approved at the school |
         *
         *     A cancel ("decide later") changes nothing and sends nothing. Later versions may add types:
         *     ignore a type you do not know (and answer it `2xx`, or it is retried).
         * @enum {string}
         */
        PartnerEventType: "connection.requested" | "connection.approved" | "connection.rejected" | "connection.expired" | "school.ids_changed";
        /** @description The connection after the change, in every `connection.*` event. It names no person. */
        PartnerEventData: {
            /** @example riverside-academy */
            school: string;
            /** @example hodder */
            app: string;
            status: components["schemas"]["ConnectionStatus"];
            /** @description The status before the change; null for a connection the change created. */
            previous_status: components["schemas"]["ConnectionStatus"] | null;
            /**
             * @description The app's permission set version the connection is at (for an approval, the one approved).
             * @example 2
             */
            permission_set_version: number;
            /**
             * @description The connection's revision after the change; it grows with every change. Deliveries can arrive out of order (a retried event after a later one) - the highest revision seen is the connection's current state.
             * @example 3
             */
            revision: number;
            /**
             * @description Who made the change: `school` (a school's admin), `trust` (the trust's central team, acting in the school), `partner` (the app's own request) or `canopy` (`canopy tenants import`, or a request's expiry). Never which person.
             * @enum {string}
             */
            by: "school" | "trust" | "partner" | "canopy";
            /** @description Only on `connection.rejected`, and only when the school said why: its reason, with the code in words and its note. The note is the school's free text: plain text, never HTML. */
            reason?: components["schemas"]["RejectReason"];
            /** @description Only on `connection.rejected` of an approved connection (a revocation) - the partner is to delete what it holds of the school's data and attest it by `due_by`, at `attest` (`POST /partner/v1/connections/{school}/deletion-attestation`). */
            deletion?: {
                /** @constant */
                requested: true;
                /** Format: date-time */
                due_by: string;
                /** @example /partner/v1/connections/riverside-academy/deletion-attestation */
                attest: string;
            };
        };
        /** @description The body of a webhook request, exactly as signed. Keys come in alphabetical order; verify the signature over the bytes received, not over a re-serialisation. */
        PartnerEventPayload: {
            type: components["schemas"]["PartnerEventType"];
            /**
             * Format: date-time
             * @description When the change was made (RFC 3339, UTC, milliseconds); the same on every attempt, unlike `webhook-timestamp`.
             */
            timestamp: string;
            /** @description `SchoolIdsChangedData` for `school.ids_changed`, `PartnerEventData` for every other type. */
            data: components["schemas"]["PartnerEventData"] | components["schemas"]["SchoolIdsChangedData"];
        };
        /** @description In `school.ids_changed`: the school's dummy (migration) site went live, and the connection, approved, is as it was. It names no person. */
        SchoolIdsChangedData: {
            /** @example millbrook-academy */
            school: string;
            /** @example lgfl */
            app: string;
            /**
             * @description Always `approved`; the connection did not change.
             * @constant
             */
            status: "approved";
            /**
             * @description The permission set version the connection is approved at.
             * @example 1
             */
            permission_set_version: number;
            /**
             * @description The connection's revision, unchanged by the go-live (the same as in the event of the approval that made it current).
             * @example 2
             */
            revision: number;
            /** @constant */
            by: "canopy";
            /**
             * Format: date-time
             * @description When the site went live (RFC 3339, UTC, milliseconds); the same as the payload's `timestamp`. Ids read from the school before then are the dummy site's.
             */
            went_live_at: string;
        };
        GoLiveResult: {
            school: components["schemas"]["SchoolRef"];
            /** @description The connections approved at the school when it went live, by app id; each app was sent `school.ids_changed`. */
            told: {
                /** @example lgfl */
                app: string;
                /** @description The version the connection is approved at. */
                permission_set_version: number;
                /** @description The connection's revision, unchanged by the go-live. */
                revision: number;
            }[];
        };
        /** @description An event as `GET /partner/v1/events` lists it, the webhook's payload with its id and cursor. */
        PartnerEvent: components["schemas"]["PartnerEventPayload"] & {
            /**
             * @description The event's id, sent as `webhook-id`.
             * @example msg_7pg9_VCALa4tkA9gDgJlAB
             */
            id: string;
            /**
             * @description Grows with every event written (across every app, so an app's own events skip numbers). The cursor for `after`.
             * @example 44
             */
            seq: number;
        };
        PartnerEventPage: {
            /** @description Oldest first. */
            events: components["schemas"]["PartnerEvent"][];
            /** @description Pass as `after` for the next page; the `after` sent when `events` is empty. */
            next_after: number;
        };
        /**
         * @description `pending`: to be delivered (again), `delivered`: an endpoint answered `2xx`, `failed`: given up after its attempts or its age ran out, until an operator redelivers it.
         * @enum {string}
         */
        PartnerEventState: "pending" | "delivered" | "failed";
        /** @description A partner event as the operator sees it, with its delivery state. */
        OperatorPartnerEvent: components["schemas"]["PartnerEvent"] & {
            /** @example hodder */
            app: string;
            /** @example riverside-academy */
            school: string;
            state: components["schemas"]["PartnerEventState"];
            /** @description Attempts started since the event was written or last redelivered (one whose replica died counts too). */
            attempts: number;
            /**
             * Format: date-time
             * @description When the event is next due; null unless `pending`.
             */
            next_attempt_at: string | null;
            /**
             * Format: date-time
             * @description When an endpoint last answered `2xx`; null before, and again after a redelivery.
             */
            delivered_at: string | null;
            /** @description The error of the last failed attempt (such as `answered 500` or `connect: Connection refused`, at most 512 bytes); empty when none failed. */
            last_error: string;
        };
        OperatorPartnerEventPage: {
            /** @description Newest first. */
            events: components["schemas"]["OperatorPartnerEvent"][];
            /** @description Pass as `before` for the next page; null when this page was not full. */
            next_before: number | null;
        };
        /** @description One attempt to deliver an event, as the delivery log keeps it. */
        PartnerEventDelivery: {
            /** @description The log entry's id. */
            id: number;
            /** @description The event's id. */
            event: string;
            app: string;
            /** @description 1 for the first attempt (counted afresh after a redelivery). */
            attempt: number;
            /** @description The replica that made it (its Redis id with `--cache redis`, else host name and process id). */
            replica: string;
            /**
             * Format: date-time
             * @description When the attempt started.
             */
            at: string;
            duration_ms: number;
            /** @description The status the endpoint answered; null when it did not answer (refused, reset, timed out, TLS failed). */
            status_code: number | null;
            /** @enum {string} */
            outcome: "delivered" | "failed";
            /** @description Why it failed (`answered 503`, `exchange: timed out`, ...); empty when delivered. */
            error: string;
        };
        /** @description A partner event with its delivery log. */
        PartnerEventWithDeliveries: components["schemas"]["OperatorPartnerEvent"] & {
            /** @description The latest 100 attempts, newest first. */
            deliveries: components["schemas"]["PartnerEventDelivery"][];
        };
    };
    responses: {
        /** @description A query parameter the route does not take (`unknown_parameter`), or a bad or repeated value (`invalid_value`); or a malformed request target (`bad_request`). */
        BadAuditQuery: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request is malformed. Codes: `bad_request`, `invalid_value` (a bad or repeated query parameter), `malformed_json`, `duplicate_key`, `unknown_field`, `unknown_parameter`, `wrong_type`. */
        BadQuery: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
        Unauthenticated: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A cookie-authenticated change without the right `X-CSRF-Token` (`csrf_token_invalid`). */
        CsrfTokenInvalid: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A cookie-authenticated change without the right `X-CSRF-Token` (`csrf_token_invalid`); or the id is not within the caller's reach (a school admin asking for a trust, another trust's user), or names no site: the same `forbidden` for both, naming only the id sent; or the trust is the caller's home site and they lack the permission (`forbidden`, naming it). */
        NotTrustAdmin: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The trust id is not an id, or names a school within the caller's reach (`unknown_trust`: a school is not a trust). An id that names no site is 403. */
        UnknownTrust: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A non-empty body not sent as `application/json` (`unsupported_media_type`). */
        UnsupportedMediaType: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body is over the route's limit, 64 KiB (1 MiB for bulk decisions) (`body_too_large`). The connection is closed. The request's own `X-Request-Id` is not read; a new id is sent. */
        BodyTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request headers are over 8 KiB (`headers_too_large`). The connection is closed. A new `X-Request-Id` is sent. */
        HeadersTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description An unexpected failure (`internal`). The detail is logged under the request id, never sent. */
        Internal: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Either the server is at its connection limit (`too_many_connections`, sent on accept before any request is read, with `Retry-After: 1`, `Connection: close` and a new `X-Request-Id`), or the request needs the database and the database cannot be reached (`unavailable`, with `Retry-After: 2`). For `unavailable` the server logs `rid=<id> <METHOD> <path>: backend unavailable: <detail>` at warning level and the change, if any, was rolled back (when a MySQL COMMIT itself fails, its outcome is unknown). */
        Unavailable: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                /** @description `1` for `too_many_connections`, `2` for `unavailable`. */
                "Retry-After"?: 1 | 2;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The server is at its connection limit (`too_many_connections`, `--max-connections`). Sent on accept, before any request is read, with `Connection: close`. It carries the same headers as every response, with a new `X-Request-Id` (the server logs the refusal at warning level under that id). */
        TooManyConnections: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                /** @description Always `1` (second). */
                "Retry-After"?: 1;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No bearer token, or not the service token (`unauthenticated`). A `WWW-Authenticate` challenge is sent. Checked before the query and the body. */
        ServiceTokenRequired: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "WWW-Authenticate": components["headers"]["WWW-Authenticate-Internal"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A query parameter (the route takes none), or a malformed request target. Codes: `bad_request`, `unknown_parameter`. */
        NoQueryTaken: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No partner event with this id (`not_found`), also for a segment that is not an event id (answered before the credentials are looked at), and for an event deleted by retention (90 days). */
        UnknownEvent: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The request is malformed. Codes: `bad_request`, `malformed_json`, `duplicate_key`, `missing_field`, `unknown_field`, `wrong_type`. Checked before the link is looked at. */
        BadConnectBody: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The link's app can no longer connect, because the policies changed since the link was made: its policy no longer offers the alternative connection (`alternative_connection_not_offered`: approve from Partner Apps instead), or it competes with the MIS (`competitor_not_connectable`) or is not live (`application_not_live`, "Application Not Live"). The link stays unspent, and works again if the policy changes back before it expires. */
        ConnectAppRefused: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No such link (`connect_link_unknown`): a token that is not 43 base64url characters (refused before the store is asked; one over 64 characters gets the shorter message), one that names no link (mistyped, cut short, or deleted by housekeeping 7 days after it expired), or a link whose app or school is no longer in the catalogue or the tenants. */
        ConnectLinkUnknown: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The link cannot be used any more: an approval spent it (`connect_link_used`; checked first), or it expired (`connect_link_expired`). Ask the app for a new one. */
        ConnectLinkGone: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /**
         * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
         * @example gw-7f3a9c
         */
        RequestId: string;
        /**
         * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
         * @example riverside-academy
         */
        School: string;
        /**
         * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
         * @example lgfl
         */
        App: string;
        /**
         * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
         * @example oakfield-trust
         */
        Trust: string;
        /**
         * @description A school or trust site id. Percent-decoded on its own.
         * @example oakfield-primary
         */
        Site: string;
        /**
         * @description The user's email, matched case-insensitively as at sign-in.
         * @example joanne.hughes@oakfield-primary.example
         */
        UserEmail: string;
        /**
         * @description The notification id (a positive whole number; anything else is `unknown_notification`).
         * @example 12
         */
        NotificationId: string;
        /** @description At most this many items (1 to 100; 20 for notifications, 50 for sign-ins and partner events when absent). Anything else is `400 invalid_value`. */
        Limit: number;
        /** @description Only items older than this id; the `next_before` of the previous page. Anything but a positive whole number is `400 invalid_value`. */
        Before: number;
        /**
         * @description Only records of this app id (1 to 64 characters).
         * @example parentpay
         */
        AuditApp: string;
        /**
         * @description Only records of this actor, as recorded: a user's email (matched lower case), an app id (a partner's request) or a system task: `tenants-import`, `request-expiry` (the requests that expired), or `operator` (a dummy site's go-live).
         * @example amir.admin@oakfield-primary.example
         */
        AuditActor: string;
        /** @description Only records of this action (`expire`, the expiries of requests nobody decided, made by the system actor `request-expiry`; `go_live`, one per connection approved when the school's dummy site went live, made by the system actor `operator`). */
        AuditAction: "request" | "approve" | "reject" | "import" | "expire" | "go_live";
        /**
         * @description Only records at or after this RFC 3339 date-time (with `Z` or an offset; send `+` as `%2B`).
         * @example 2026-11-01T00:00:00Z
         */
        AuditFrom: string;
        /**
         * @description Only records before this RFC 3339 date-time; must be after `from`.
         * @example 2026-12-01T00:00:00Z
         */
        AuditTo: string;
        /** @description At most this many records (JSON 1 to 100, 50 when absent; CSV 1 to 10000, 10000 when absent). Anything else is `400 invalid_value`. */
        AuditLimit: number;
        /** @description Continue after this record (the `next_before` of the previous page, or the CSV's `X-Next-Before`). A value that is not the id of a record in view is `400 invalid_value`. */
        AuditBefore: number;
        /** @description `json` (the default) or `csv`. When absent, an `Accept` header naming `text/csv` asks for CSV. */
        AuditFormat: "json" | "csv";
        /**
         * @description Naming `text/csv` asks for CSV when `format` is absent.
         * @example text/csv
         */
        AuditAccept: string;
        /**
         * @description A partner event's id, which is also its `webhook-id`. Canopy makes `msg_` and 22 base64url characters; a segment that is not `msg_` and 1 to 60 characters of `[A-Za-z0-9_-]` is `404 not_found`, like an unknown id.
         * @example msg_7pg9_VCALa4tkA9gDgJlAB
         */
        EventId: string;
        /**
         * @description Only events after this `seq`, oldest first. 0 (the default) starts from the oldest event kept; then send the `next_after` of the previous page. Anything but 0 or a positive whole number without leading zeros is `400 invalid_value`.
         * @example 44
         */
        EventsAfter: number;
        /** @description At most this many events (1 to 500; 100 when absent). Anything else is `400 invalid_value`. */
        EventsLimit: number;
        /** @description Only events with a smaller `seq`; the `next_before` of the previous page. Anything but a positive whole number is `400 invalid_value`. */
        EventsBefore: number;
        /**
         * @description The event's id (`msg_` and 22 base64url characters), the same on every attempt and on a redelivery, and the `id` that `GET /partner/v1/events` lists. Deduplicate on it.
         * @example msg_7pg9_VCALa4tkA9gDgJlAB
         */
        WebhookId: string;
        /**
         * @description When this attempt started, in Unix seconds; new on every attempt. Refuse one far from your clock (Standard Webhooks libraries allow 5 minutes), so that a captured request cannot be replayed later.
         * @example 1796029965
         */
        WebhookTimestamp: string;
        /**
         * @description `v1,` and the standard base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` (the body as sent, byte for byte), keyed with the bytes the secret's base64 after `whsec_` decodes to. While the operator rotates the secret there are two, separated by a space: one with the current secret, one with the previous one. Accept the request when one of them matches, compared in constant time.
         * @example v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,3gW1y8V0fCq2OaQeXkO7Z2cB6n2hJc4s0yqJxH6kR9M=
         */
        WebhookSignature: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description The request id the server made (16 hex characters), whatever `X-Request-Id` the request sent. The access log line for the request and the audit records it writes carry the same id.
         * @example 5f632fdb6080e481
         */
        "X-Request-Id": string;
        /**
         * @description Seconds until the throttle lets the next attempt through (rounded up).
         * @example 60
         */
        "Retry-After-Throttle": number;
        /**
         * @description A browser sign-in sets two cookies, in three `Set-Cookie` fields: the session, and the device
         *     cookie once for each path it is sent to.
         *
         *     The session: `canopy_session=<token>; Path=/; HttpOnly; SameSite=Strict; Max-Age=<seconds>`, with
         *     `; Secure` unless the server listens on a loopback address (without `--secure-cookies`) or runs with
         *     `--insecure-cookies`. `Max-Age` is the session TTL (`--session-ttl-minutes`,
         *     480 by default).
         *
         *     The device cookie: `canopy_device=1.<issued, unix seconds>.<22-character nonce>.<43-character MAC>;
         *     Path=/api/v1/session; HttpOnly; SameSite=Strict; Max-Age=7776000` (90 days), with `; Secure` under
         *     the same rule, and the same value again with `Path=/api/v1/connect`: the two routes that ask for a
         *     password, sign-in and the alternative connection's page (`connectSignIn`), and nothing else. The MAC
         *     (keyed BLAKE2b-256, base64url) binds the lower-cased email signed in with; the email is not in the
         *     cookie. It signs nobody in: a later attempt at the same email that carries it, on either route, is
         *     throttled by that device's own budget instead of the address's and the account's, so other clients'
         *     failures (behind the same school NAT or proxy) cannot keep this browser out. Every successful
         *     browser sign-in, and every right password on the alternative connection's page, sets a fresh one.
         *     It is accepted by every replica (its key is the operator's device-cookie key, or else derived from
         *     the service token) and stops counting when the key it was signed under is retired.
         * @example canopy_session=FdyxJw3ac9PTtm-sw7LXRR_O2_fkjRnMVaM3NCPPrZc; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800
         */
        "Set-Cookie-Session": string;
        /**
         * @description Clears the session cookie.
         * @example canopy_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0
         */
        "Set-Cookie-Clear": string;
        /**
         * @description The browser's device cookie, in two `Set-Cookie` fields with one value:
         *     `canopy_device=<value>; Path=/api/v1/session; HttpOnly; SameSite=Strict; Max-Age=7776000` and the same
         *     with `Path=/api/v1/connect`, each with `; Secure` under the session cookie's rule. It is the cookie a
         *     browser sign-in sets (see `Set-Cookie-Session`): set after a right password on the alternative
         *     connection's page, whatever follows, so that the browser's later attempts at the same email, here or at
         *     sign-in, answer to its own throttle. It signs nobody in. No session cookie is set.
         * @example canopy_device=1.1796029965.NSlX5IMjOIqSnM7HejyMWA.ou1pff2ojgSz1iQeJFmF2LF5ZeSmexH_guQCwYfsLcI; Path=/api/v1/connect; HttpOnly; SameSite=Strict; Max-Age=7776000
         */
        "Set-Cookie-Device": string;
        /** @description The Bearer challenge on every `unauthenticated` 401 of the `/api/v1` routes. Sign-in's `invalid_credentials` 401 carries no challenge. */
        "WWW-Authenticate-Session": "Bearer realm=\"canopy\"";
        /** @description The Basic challenge for partner apps, on every 401 of the `/partner/v1` routes (it replaces any other challenge). */
        "WWW-Authenticate-Partner": "Basic realm=\"canopy-partner\"";
        /** @description The Bearer challenge for the service token, on every 401 of the `/internal/v1` routes (it replaces any other challenge). */
        "WWW-Authenticate-Internal": "Bearer realm=\"canopy-internal\"";
        /**
         * @description Names the download `<app>-<school>-data.csv`.
         * @example attachment; filename="lgfl-riverside-academy-data.csv"
         */
        "Content-Disposition-Csv": string;
        /**
         * @description On a CSV answer, names the download `<school>-audit.csv` or `<trust>-audit.csv`.
         * @example attachment; filename="oakfield-primary-audit.csv"
         */
        "Content-Disposition-Audit": string;
        /**
         * @description On a CSV answer with more records after it, the `before` that continues.
         * @example 31
         */
        "X-Next-Before": number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    signIn: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignInRequest"];
            };
        };
        responses: {
            /** @description Signed in. A browser gets the session cookie (`canopy_session`) and the device cookie (`canopy_device`, once per path: `/api/v1/session` and `/api/v1/connect`), in three `Set-Cookie` fields; an API client that asked (`"token": true`) gets `token` and no cookie. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Set-Cookie": components["headers"]["Set-Cookie-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResponse"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`, `invalid_value`, `malformed_json`, `missing_field`, `unknown_field`, `wrong_type`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Wrong email or password, unknown email, or a user without a password (`invalid_credentials`), one body for all, sent 250 ms after the request arrived. No `WWW-Authenticate` header is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description The body is not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Too many attempts from this address, at this email, or from this browser's device cookie (`too_many_attempts`); the password was not checked. The same answer whether or not the email exists. */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After-Throttle"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out. The response has no body and no `Content-Type`. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Set-Cookie": components["headers"]["Set-Cookie-Clear"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is malformed. Codes: `bad_request`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A cookie-authenticated request without the right `X-CSRF-Token`. */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    getConnectPage: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description The UI's policy, on every UI response. */
                    "Content-Security-Policy"?: "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
                    /** @description No other site may frame the page. */
                    "X-Frame-Options"?: "DENY";
                    /** @description Other sites get no `Referer` from the page. */
                    "Referrer-Policy"?: "same-origin";
                    /** @description A cache may keep the page but must ask again before using it. */
                    "Cache-Control"?: "no-cache";
                    [name: string]: unknown;
                };
                content: {
                    "text/html; charset=utf-8": string;
                };
            };
            /** @description A malformed request target (`bad_request`). */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["TooManyConnections"];
        };
    };
    openConnectLink: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectLinkOpenRequest"];
            };
        };
        responses: {
            /** @description What the link is for. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenedConnectLink"];
                };
            };
            400: components["responses"]["BadConnectBody"];
            403: components["responses"]["ConnectAppRefused"];
            404: components["responses"]["ConnectLinkUnknown"];
            410: components["responses"]["ConnectLinkGone"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    connectSignIn: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectSignInRequest"];
            };
        };
        responses: {
            /** @description Signed in on the link. The `ticket` approves through this link, for 15 minutes at most. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Set-Cookie": components["headers"]["Set-Cookie-Device"];
                    /** @description No cache may keep the answer, since it holds the ticket. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectSignedIn"];
                };
            };
            /** @description The request is malformed, or a credential is missing. Codes: `no_credentials` (the email or the password is empty), `invalid_value` (an email over 254 bytes or a password over 1024), `bad_request`, `malformed_json`, `duplicate_key`, `missing_field`, `unknown_field`, `wrong_type`. A malformed body is refused before the link is looked at; `no_credentials` and `invalid_value` only for a live link. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Wrong email or password, an unknown email, or a disabled user (`invalid_credentials`, "Invalid credentials"), one body for all, sent 250 ms after the request arrived. No `WWW-Authenticate` header is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The link's app can no longer connect (`alternative_connection_not_offered`, `competitor_not_connectable`, `application_not_live`, as `openConnectLink`); or, after a right password, the user may not approve through this link (`connect_link_other_school`, `not_authorised_for_school`, `trust_requirements_not_met` with `missing`, `approve_from_partner_apps`). A refusal after a right password sets the device cookie and carries `Cache-Control: no-store`. */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Set-Cookie": components["headers"]["Set-Cookie-Device"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["ConnectLinkUnknown"];
            410: components["responses"]["ConnectLinkGone"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Too many attempts from this address, at this email, or from this browser's device cookie (`too_many_attempts`), counted together with `signIn`'s; the password was not checked. The same answer whether or not the email exists. */
            429: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Retry-After": components["headers"]["Retry-After-Throttle"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    approveThroughLink: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectApproveRequest"];
            };
        };
        responses: {
            /** @description Approved, and the link spent. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectApproved"];
                };
            };
            400: components["responses"]["BadConnectBody"];
            /** @description The ticket does not approve through this link now (`connect_sign_in_expired`) - sign in on the link again. No `WWW-Authenticate` header is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The link's app can no longer connect (`alternative_connection_not_offered`, `competitor_not_connectable`, `application_not_live`), or the user who signed in no longer meets the requirements (`connect_link_other_school`, `not_authorised_for_school`, `trust_requirements_not_met` with `missing`, `approve_from_partner_apps`), as at `connectSignIn`. */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["ConnectLinkUnknown"];
            /** @description At a dummy (migration) school site without `confirm_dummy_site: true` (`dummy_site_not_confirmed`; the message is the warning to show); the app's permission set is no longer the `permission_set_version` the page showed (`permissions_changed`; sign in again to review it); or the connection kept changing (`concurrent_change`; try again). Nothing was written and the link is not spent. */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            410: components["responses"]["ConnectLinkGone"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSchoolApps: {
        parameters: {
            query?: {
                /**
                 * @description Only connections with this status. Omit for all.
                 * @example pending
                 */
                status?: components["schemas"]["ConnectionStatus"];
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The list. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionList"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`, `invalid_value`, `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school is not within the caller's reach, or the id names no school: the same `forbidden` for both, naming only the id sent. Or the caller's own school (or one of their trust's) without the permission to administer its apps: `forbidden`, naming the permission and the school. */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    getSchoolApp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The app as this school sees it. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionDetail"];
                };
            };
            /** @description The request is malformed. This route takes no query parameters. Codes: `bad_request`, `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school is not within the caller's reach, or the id names no school: the same `forbidden` for both, naming only the id sent. Or the caller's own school (or one of their trust's) without the permission to administer its apps: `forbidden`, naming the permission and the school. */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school); or no such app (`unknown_app`). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    approveSchoolApp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ApproveRequest"];
            };
        };
        responses: {
            /** @description The connection after the action, in the same shape as `getSchoolApp`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionDetail"];
                };
            };
            /** @description The request is malformed. This route takes no query parameters, and no body field but `confirm_dummy_site` (a boolean). Codes: `bad_request`, `malformed_json`, `duplicate_key`, `unknown_field`, `unknown_parameter`, `wrong_type`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A cookie-authenticated request without the right `X-CSRF-Token` (`csrf_token_invalid`), or the school is not within the caller's reach or the id names no school (`forbidden`, the same words for both), or the caller does not administer this school (`forbidden`, naming the permission), or acts via the trust and has not accepted the school's current terms (`terms_not_accepted`, with `terms`), or the app cannot be connected (`application_not_live`, `competitor_not_connectable`). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school); no such app (`unknown_app`); or the app has no connection with this school (`connection_not_found`). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school is a dummy (migration) site and the body did not confirm the warning (`dummy_site_not_confirmed`; the message is the warning, and nothing changed), or the connection is already approved for the current permission set, or its request expired (`invalid_transition`), or it kept changing (`concurrent_change`). */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description A non-empty body not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    rejectSchoolApp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["RejectRequest"];
            };
        };
        responses: {
            /** @description The connection after the action, in the same shape as `getSchoolApp`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionDetail"];
                };
            };
            /** @description The request is malformed, or its reason breaks a rule. This route takes no query parameters; the body takes only `reason` and `note`. Codes: `bad_request`, `malformed_json`, `duplicate_key`, `unknown_field`, `unknown_parameter`, `wrong_type`, `invalid_value`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A cookie-authenticated request without the right `X-CSRF-Token` (`csrf_token_invalid`), or the school is not within the caller's reach or the id names no school (`forbidden`, the same words for both), or the caller does not administer this school (`forbidden`, naming the permission), or acts via the trust and has not accepted the school's current terms (`terms_not_accepted`, with `terms`). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school); no such app (`unknown_app`); or the app has no connection with this school (`connection_not_found`). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The connection is already rejected, or its request expired (`invalid_transition`), or it kept changing (`concurrent_change`). */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description A non-empty body not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelSchoolApp: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The connection after the action, in the same shape as `getSchoolApp`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectionDetail"];
                };
            };
            /** @description The request is malformed. This route takes no query parameters and no body fields. Codes: `bad_request`, `malformed_json`, `duplicate_key`, `unknown_field`, `unknown_parameter`, `wrong_type`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description A cookie-authenticated request without the right `X-CSRF-Token` (`csrf_token_invalid`), or the school is not within the caller's reach or the id names no school (`forbidden`, the same words for both), or the caller does not administer this school (`forbidden`, naming the permission), or acts via the trust and has not accepted the school's current terms (`terms_not_accepted`, with `terms`). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school); no such app (`unknown_app`); or the app has no connection with this school (`connection_not_found`). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The connection is not pending (`invalid_transition`), an expired request included. */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description A non-empty body not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSchoolDeletionAttestations: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The school's deletion requests. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchoolDeletionAttestations"];
                };
            };
            /** @description The request is malformed. This route takes no query parameters. Codes: `bad_request`, `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school is not within the caller's reach, or the id names no school (`forbidden`, the same words for both); or the caller may not manage this school's apps (`forbidden`, naming the permission). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    downloadSchoolAppData: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
                /**
                 * @description The app id (the file name under `policies/apps/`). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example lgfl
                 */
                app: components["parameters"]["App"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CSV file, as an attachment named `<app>-<school>-data.csv`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Content-Disposition": components["headers"]["Content-Disposition-Csv"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example app,permission_set_version,data_type,field,read,write,update,delete
                     *     LGfL,1,EmailAddress,emailAddress,yes,no,yes,no
                     *     LGfL,1,Staff,firstName,yes,no,no,no
                     */
                    "text/csv; charset=utf-8": string;
                };
            };
            /** @description The request is malformed. This route takes no query parameters. Codes: `bad_request`, `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school is not within the caller's reach, or the id names no school: the same `forbidden` for both, naming only the id sent. Or the caller's own school (or one of their trust's) without the permission to administer its apps: `forbidden`, naming the permission and the school. */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school); or no such app (`unknown_app`). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listTrustSchools: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The trust's schools. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustSchools"];
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["NotTrustAdmin"];
            404: components["responses"]["UnknownTrust"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    acceptSchoolTerms: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TermsAcceptanceRequest"];
            };
        };
        responses: {
            /** @description The caller had accepted this version before; the first acceptance. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TermsAcceptance"];
                };
            };
            /** @description Accepted now. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TermsAcceptance"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`, `invalid_value` (a version below 1), `malformed_json`, `missing_field`, `unknown_field`, `unknown_parameter`, `wrong_type`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["NotTrustAdmin"];
            /** @description The trust id is not an id, or names a school within the caller's reach (`unknown_trust`); or the school is not one of this trust's, whether another trust's or none (`unknown_school`). A trust id that names no site is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The version is not the school's current one (`terms_changed`). */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    trustMatrix: {
        parameters: {
            query?: {
                /** @description Only cells with this status. */
                status?: "pending" | "approved" | "rejected" | "expired" | "not_requested";
                /** @description Only this app. */
                app?: string;
                /** @description Only this school (one of the trust's). */
                school?: string;
                /** @description Cells per page, 1 to 1000. */
                limit?: number;
                /** @description The `next_after` of the previous page (an opaque cursor). */
                after?: string;
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the matrix. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustMatrix"];
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["NotTrustAdmin"];
            /** @description The trust id is not an id, or names a school within the caller's reach (`unknown_trust`); a `school` outside the trust (`unknown_school`); or an unknown `app` (`unknown_app`). A trust id that names no site is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    bulkDecide: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /** @description 1 to 255 printable ASCII characters, unique per batch. */
                "Idempotency-Key": string;
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkDecisionRequest"];
            };
        };
        responses: {
            /** @description Every item applied (or a replay of that answer, with `Idempotent-Replayed`). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description `true` when this is the stored answer of an earlier request with the key. */
                    "Idempotent-Replayed"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkDecisionResult"];
                };
            };
            /** @description The request is malformed; the key is not used. Codes: `missing_parameter` (no Idempotency-Key), `invalid_value` (a key that is not 1 to 255 printable ASCII characters; no items or more than 5,000), `malformed_json`, `missing_field`, `unknown_field`, `unknown_parameter`, `wrong_type`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["NotTrustAdmin"];
            404: components["responses"]["UnknownTrust"];
            /** @description The first request with this key is still running (`idempotency_key_in_progress`), or a connection changed between the check and the commit (`concurrent_change`; nothing was written, and the key is free for a retry). */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description Nothing was applied. Either some items were refused (`invalid_items`, with `errors` and maybe `terms`; kept as the key's answer), or the key was used before with another body (`idempotency_key_reused`). */
            422: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BulkRefusal"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listTrustDeletionAttestations: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The trust's deletion requests. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TrustDeletionAttestations"];
                };
            };
            /** @description The request is malformed. This route takes no query parameters. Codes: `bad_request`, `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No valid session (`unauthenticated`). A `WWW-Authenticate: Bearer realm="canopy"` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Session"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            403: components["responses"]["NotTrustAdmin"];
            /** @description The trust id is not an id, or names a school within the caller's reach (`unknown_trust`). An id that names no site is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    trustExport: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The CSV, as an attachment (`<trust>-partner-apps.csv`). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description attachment; filename="oakfield-trust-partner-apps.csv" */
                    "Content-Disposition"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example school,school_name,app,app_name,status,permission_set_version,data_type,fields,operations,decided_by,decided_at
                     *     oakfield-primary,Oakfield Primary School,parentpay,ParentPay,approved,1,Student,firstName; lastName; preferredFirstName; upn; registrationForm; yearGroup,read,Dana Whitfield <dana.central@oakfield.example>,2026-11-29T18:30:00.000Z
                     */
                    "text/csv": string;
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["NotTrustAdmin"];
            404: components["responses"]["UnknownTrust"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listNotifications: {
        parameters: {
            query?: {
                /** @description At most this many items (1 to 100; 20 for notifications, 50 for sign-ins and partner events when absent). Anything else is `400 invalid_value`. */
                limit?: components["parameters"]["Limit"];
                /** @description Only items older than this id; the `next_before` of the previous page. Anything but a positive whole number is `400 invalid_value`. */
                before?: components["parameters"]["Before"];
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of notifications. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotificationPage"];
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    markNotificationRead: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The notification id (a positive whole number; anything else is `unknown_notification`).
                 * @example 12
                 */
                notification: components["parameters"]["NotificationId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The notification, read. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Notification"];
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["CsrfTokenInvalid"];
            /** @description No notification with this id that the caller may see (`unknown_notification`). */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    markAllNotificationsRead: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ReadAllRequest"];
            };
        };
        responses: {
            /** @description How many were marked, and how many stay unread. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadAllResponse"];
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["CsrfTokenInvalid"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSiteUsers: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A school or trust site id. Percent-decoded on its own.
                 * @example oakfield-primary
                 */
                site: components["parameters"]["Site"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The site's users. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SiteUsers"];
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            /** @description The site is not within the caller's reach, or the id names no site: the same `forbidden` for both, naming only the id sent. Or the caller may not manage this site's users (`forbidden`, naming the permission and the site). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The site id is not an id (`unknown_site`). An id that names no site is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listUserLogins: {
        parameters: {
            query?: {
                /** @description At most this many items (1 to 100; 20 for notifications, 50 for sign-ins and partner events when absent). Anything else is `400 invalid_value`. */
                limit?: components["parameters"]["Limit"];
                /** @description Only items older than this id; the `next_before` of the previous page. Anything but a positive whole number is `400 invalid_value`. */
                before?: components["parameters"]["Before"];
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A school or trust site id. Percent-decoded on its own.
                 * @example oakfield-primary
                 */
                site: components["parameters"]["Site"];
                /**
                 * @description The user's email, matched case-insensitively as at sign-in.
                 * @example joanne.hughes@oakfield-primary.example
                 */
                user: components["parameters"]["UserEmail"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of sign-in attempts. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LoginHistory"];
                };
            };
            400: components["responses"]["BadQuery"];
            401: components["responses"]["Unauthenticated"];
            /** @description The site is not within the caller's reach, or the id names no site: the same `forbidden` for both, naming only the id sent. Or the caller may not manage this site's users (`forbidden`, naming the permission and the site). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The site id is not an id (`unknown_site`), or no such user at this site (`unknown_user`). An id that names no site is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSchoolAudit: {
        parameters: {
            query?: {
                /**
                 * @description Only records of this app id (1 to 64 characters).
                 * @example parentpay
                 */
                app?: components["parameters"]["AuditApp"];
                /**
                 * @description Only records of this actor, as recorded: a user's email (matched lower case), an app id (a partner's request) or a system task: `tenants-import`, `request-expiry` (the requests that expired), or `operator` (a dummy site's go-live).
                 * @example amir.admin@oakfield-primary.example
                 */
                actor?: components["parameters"]["AuditActor"];
                /** @description Only records of this action (`expire`, the expiries of requests nobody decided, made by the system actor `request-expiry`; `go_live`, one per connection approved when the school's dummy site went live, made by the system actor `operator`). */
                action?: components["parameters"]["AuditAction"];
                /**
                 * @description Only records at or after this RFC 3339 date-time (with `Z` or an offset; send `+` as `%2B`).
                 * @example 2026-11-01T00:00:00Z
                 */
                from?: components["parameters"]["AuditFrom"];
                /**
                 * @description Only records before this RFC 3339 date-time; must be after `from`.
                 * @example 2026-12-01T00:00:00Z
                 */
                to?: components["parameters"]["AuditTo"];
                /** @description At most this many records (JSON 1 to 100, 50 when absent; CSV 1 to 10000, 10000 when absent). Anything else is `400 invalid_value`. */
                limit?: components["parameters"]["AuditLimit"];
                /** @description Continue after this record (the `next_before` of the previous page, or the CSV's `X-Next-Before`). A value that is not the id of a record in view is `400 invalid_value`. */
                before?: components["parameters"]["AuditBefore"];
                /** @description `json` (the default) or `csv`. When absent, an `Accept` header naming `text/csv` asks for CSV. */
                format?: components["parameters"]["AuditFormat"];
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description Naming `text/csv` asks for CSV when `format` is absent.
                 * @example text/csv
                 */
                Accept?: components["parameters"]["AuditAccept"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit records, newest first, as JSON or (with `format=csv` or `Accept: text/csv`) as a CSV attachment. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Content-Disposition": components["headers"]["Content-Disposition-Audit"];
                    "X-Next-Before": components["headers"]["X-Next-Before"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                    /**
                     * @example id,seq,school,app,action,from_status,to_status,actor_kind,actor,actor_user_id,actor_name,actor_site,actor_role,via_trust,at,request_id,client_request_id,permission_set_version,prev_hash,hash
                     *     31,7,oakfield-primary,parentpay,reject,approved,rejected,user,amir.admin@oakfield-primary.example,1,Amir Admin,oakfield-primary,school_administrator,false,2026-11-29T18:25:01.120Z,5f632fdb6080e481,gateway-7f3a,2,761b57e2a05083cbe298059269f21f5fa694b3071de35926f6c86a83c9557c80,0b6f0a4f2d0c6e6f3b7a1e9b8f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d
                     */
                    "text/csv; charset=utf-8": string;
                };
            };
            400: components["responses"]["BadAuditQuery"];
            401: components["responses"]["Unauthenticated"];
            /** @description The school is not within the caller's reach, or the id names no school: the same `forbidden` for both, naming only the id sent. Or the caller's own school (or one of their trust's) without the permission to administer its apps: `forbidden`, naming the permission and the school. */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school id is not an id, or names the trust that is the caller's home site (`unknown_school`: a trust is not a school). An id that names no school is 403. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listTrustAudit: {
        parameters: {
            query?: {
                /**
                 * @description Only records of this app id (1 to 64 characters).
                 * @example parentpay
                 */
                app?: components["parameters"]["AuditApp"];
                /**
                 * @description Only records of this actor, as recorded: a user's email (matched lower case), an app id (a partner's request) or a system task: `tenants-import`, `request-expiry` (the requests that expired), or `operator` (a dummy site's go-live).
                 * @example amir.admin@oakfield-primary.example
                 */
                actor?: components["parameters"]["AuditActor"];
                /** @description Only records of this action (`expire`, the expiries of requests nobody decided, made by the system actor `request-expiry`; `go_live`, one per connection approved when the school's dummy site went live, made by the system actor `operator`). */
                action?: components["parameters"]["AuditAction"];
                /**
                 * @description Only records at or after this RFC 3339 date-time (with `Z` or an offset; send `+` as `%2B`).
                 * @example 2026-11-01T00:00:00Z
                 */
                from?: components["parameters"]["AuditFrom"];
                /**
                 * @description Only records before this RFC 3339 date-time; must be after `from`.
                 * @example 2026-12-01T00:00:00Z
                 */
                to?: components["parameters"]["AuditTo"];
                /** @description At most this many records (JSON 1 to 100, 50 when absent; CSV 1 to 10000, 10000 when absent). Anything else is `400 invalid_value`. */
                limit?: components["parameters"]["AuditLimit"];
                /** @description Continue after this record (the `next_before` of the previous page, or the CSV's `X-Next-Before`). A value that is not the id of a record in view is `400 invalid_value`. */
                before?: components["parameters"]["AuditBefore"];
                /** @description `json` (the default) or `csv`. When absent, an `Accept` header naming `text/csv` asks for CSV. */
                format?: components["parameters"]["AuditFormat"];
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
                /**
                 * @description Naming `text/csv` asks for CSV when `format` is absent.
                 * @example text/csv
                 */
                Accept?: components["parameters"]["AuditAccept"];
            };
            path: {
                /**
                 * @description The trust id (a trust site id from `tenants/`). Percent-decoded on its own.
                 * @example oakfield-trust
                 */
                trust: components["parameters"]["Trust"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit records, newest first, as JSON or (with `format=csv` or `Accept: text/csv`) as a CSV attachment. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "Content-Disposition": components["headers"]["Content-Disposition-Audit"];
                    "X-Next-Before": components["headers"]["X-Next-Before"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                    /**
                     * @example id,seq,school,app,action,from_status,to_status,actor_kind,actor,actor_user_id,actor_name,actor_site,actor_role,via_trust,at,request_id,client_request_id,permission_set_version,prev_hash,hash
                     *     31,7,oakfield-primary,parentpay,reject,approved,rejected,user,amir.admin@oakfield-primary.example,1,Amir Admin,oakfield-primary,school_administrator,false,2026-11-29T18:25:01.120Z,5f632fdb6080e481,gateway-7f3a,2,761b57e2a05083cbe298059269f21f5fa694b3071de35926f6c86a83c9557c80,0b6f0a4f2d0c6e6f3b7a1e9b8f1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d
                     */
                    "text/csv; charset=utf-8": string;
                };
            };
            400: components["responses"]["BadAuditQuery"];
            401: components["responses"]["Unauthenticated"];
            403: components["responses"]["NotTrustAdmin"];
            404: components["responses"]["UnknownTrust"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    requestConnection: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectionRequest"];
            };
        };
        responses: {
            /** @description The app had already asked: the existing connection, unchanged (pending or approved; an approval keeps no reject reason, so `reject_reason` is null). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerConnection"];
                };
            };
            /** @description A new pending connection, or a request that had expired, made again. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerConnection"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`, `malformed_json`, `missing_field`, `unknown_field`, `wrong_type`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing or malformed Basic credentials (`unauthenticated`), or an unknown client id or wrong secret (`invalid_credentials`). A `WWW-Authenticate` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Partner"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The app is not live (`application_not_live`) or competes with the MIS (`competitor_not_connectable`). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such school (`unknown_school`); a trust id is not a school. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school has rejected the app (`request_rejected`), or the connection kept changing (`concurrent_change`). */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description A non-empty body not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    getConnectionStatus: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The connection. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerConnection"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing or malformed Basic credentials (`unauthenticated`), or an unknown client id or wrong secret (`invalid_credentials`). A `WWW-Authenticate` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Partner"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such school (`unknown_school`), or the app never asked it (`connection_not_found`). */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listPartnerConnections: {
        parameters: {
            query?: {
                status?: "pending" | "approved" | "rejected" | "expired" | "permissions_for_review";
                /** @description The school id the previous page ended with. */
                after?: string;
                limit?: number;
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of connections. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: (components["schemas"]["PartnerConnection"] & {
                            /** @description The version of the app's permission set in force now; above `permission_set_version` when the school has the new one to review. */
                            current_permission_set_version: number;
                        })[];
                        /** @description The `after` of the next page; null on the last. */
                        next_after: string | null;
                    };
                };
            };
            /** @description A query parameter is unknown (`unknown_parameter`) or invalid (`invalid_value`: a status, an `after` that is not an id, a `limit` outside 1 to 100). */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing or malformed Basic credentials (`unauthenticated`), or an unknown client id or wrong secret (`invalid_credentials`). A `WWW-Authenticate` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Partner"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    createConnectLink: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConnectLinkRequest"];
            };
        };
        responses: {
            /** @description The new link. `url` holds its token; keep it secret, and send it only to the school's user. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description No cache may keep the answer, since `url` holds the link's token. */
                    "Cache-Control"?: "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectLink"];
                };
            };
            /** @description The request is malformed, or a value is refused. Codes: `bad_request`, `malformed_json`, `duplicate_key`, `missing_field`, `unknown_field`, `wrong_type`, `invalid_value` (a `school` that is not an id, a `state` that is too long or not printable ASCII without spaces), `redirect_uri_not_registered`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing or malformed Basic credentials (`unauthenticated`), or an unknown client id or wrong secret (`invalid_credentials`). A `WWW-Authenticate` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Partner"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The app's policy does not offer the alternative connection (`alternative_connection_not_offered`: ask with `requestConnection` instead), or the app competes with the MIS (`competitor_not_connectable`) or is not live (`application_not_live`). */
            403: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such school (`unknown_school`); a trust id is not a school. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description A non-empty body not sent as `application/json` (`unsupported_media_type`). */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    attestDeletion: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["DeletionAttestationRequest"];
            };
        };
        responses: {
            /** @description The request, attested. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletionAttestation"];
                };
            };
            /** @description A body that is not `{}` or `{"note"}`, or a note that is too long or not plain text. Codes: `bad_request`, `invalid_json`, `unknown_field`, `wrong_type`, `invalid_value`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing or malformed Basic credentials (`unauthenticated`), or an unknown client id or wrong secret (`invalid_credentials`). A `WWW-Authenticate` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Partner"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such school (`unknown_school`), or the school never revoked the app (`not_found`). */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description A body that is not `application/json`. Codes: `unsupported_media_type`. */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listPartnerEvents: {
        parameters: {
            query?: {
                /**
                 * @description Only events after this `seq`, oldest first. 0 (the default) starts from the oldest event kept; then send the `next_after` of the previous page. Anything but 0 or a positive whole number without leading zeros is `400 invalid_value`.
                 * @example 44
                 */
                after?: components["parameters"]["EventsAfter"];
                /** @description At most this many events (1 to 500; 100 when absent). Anything else is `400 invalid_value`. */
                limit?: components["parameters"]["EventsLimit"];
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of events; `events` is empty when there is nothing after `after`. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerEventPage"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`, `invalid_value` (`after` or `limit` out of range, or a parameter given twice), `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Missing or malformed Basic credentials (`unauthenticated`), or an unknown client id or wrong secret (`invalid_credentials`). A `WWW-Authenticate` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Partner"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    checkDecision: {
        parameters: {
            query: {
                /**
                 * @description The app id.
                 * @example lgfl
                 */
                app: string;
                /**
                 * @description The school id.
                 * @example riverside-academy
                 */
                school: string;
                /**
                 * @description The data type, as named in `policies/data_types.yaml`.
                 * @example Student
                 */
                data_type: string;
                /**
                 * @description `write` means create.
                 * @example read
                 */
                operation: components["schemas"]["Operation"];
                /**
                 * @description One field of the data type. Omit to ask about the data type as a whole.
                 * @example upn
                 */
                field?: string;
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The decision. A deny is a 200 too. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Decision"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`, `invalid_value`, `missing_parameter`, `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No bearer token, or not the service token (`unauthenticated`). A `WWW-Authenticate` challenge is sent. Checked before the query. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Internal"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    reloadPolicies: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The policies in force now. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description 16 hex digits naming the files' contents (as `canopy_policy_info` in /metrics). */
                        digest: string;
                        /** Format: date-time */
                        loaded_at: string;
                        /** @description Reloads applied since the process started. */
                        reloads: number;
                        apps: number;
                    };
                };
            };
            /** @description A query parameter, or a body other than `{}`. Codes: `bad_request`, `unknown_parameter`, `invalid_json`, `unknown_field`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No bearer token, or not the service token (`unauthenticated`). A `WWW-Authenticate` challenge is sent. */
            401: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate-Internal"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            /** @description A body that is not `application/json`. Codes: `unsupported_media_type`. */
            415: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The files did not validate (`invalid_policies`); the policies in force stay. `errors` lists every problem. */
            422: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        code: "invalid_policies";
                        message: string;
                        errors: string[];
                    };
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    listPartnerEventsForOperator: {
        parameters: {
            query?: {
                /**
                 * @description Only this app's events (an id; `400 invalid_value` otherwise).
                 * @example hodder
                 */
                app?: string;
                /**
                 * @description Only events in this state.
                 * @example failed
                 */
                state?: components["schemas"]["PartnerEventState"];
                /** @description At most this many items (1 to 100; 20 for notifications, 50 for sign-ins and partner events when absent). Anything else is `400 invalid_value`. */
                limit?: components["parameters"]["Limit"];
                /** @description Only events with a smaller `seq`; the `next_before` of the previous page. Anything but a positive whole number is `400 invalid_value`. */
                before?: components["parameters"]["EventsBefore"];
            };
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of events. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorPartnerEventPage"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`, `invalid_value` (an `app` that is not an id, an unknown `state`, `limit` or `before` out of range, a parameter given twice), `unknown_parameter`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["ServiceTokenRequired"];
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    getPartnerEvent: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A partner event's id, which is also its `webhook-id`. Canopy makes `msg_` and 22 base64url characters; a segment that is not `msg_` and 1 to 60 characters of `[A-Za-z0-9_-]` is `404 not_found`, like an unknown id.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                event: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event and its delivery log. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerEventWithDeliveries"];
                };
            };
            400: components["responses"]["NoQueryTaken"];
            401: components["responses"]["ServiceTokenRequired"];
            404: components["responses"]["UnknownEvent"];
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    redeliverPartnerEvent: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description A partner event's id, which is also its `webhook-id`. Canopy makes `msg_` and 22 base64url characters; a segment that is not `msg_` and 1 to 60 characters of `[A-Za-z0-9_-]` is `404 not_found`, like an unknown id.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                event: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The event, pending again; it is delivered in the background. */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorPartnerEvent"];
                };
            };
            /** @description A query parameter, or a body other than `{}`. Codes: `bad_request`, `unknown_parameter`, `malformed_json`, `duplicate_key`, `wrong_type`, `unknown_field`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["ServiceTokenRequired"];
            404: components["responses"]["UnknownEvent"];
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    goLiveSchool: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path: {
                /**
                 * @description The school id (a site id from `tenants/`; a trust id is not a school). Percent-decoded on its own, so `%2F` is a `/` inside the id.
                 * @example riverside-academy
                 */
                school: components["parameters"]["School"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["EmptyBody"];
            };
        };
        responses: {
            /** @description The school, live now, and the approved connections whose partners were told that its ids changed (empty when none was approved). */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoLiveResult"];
                };
            };
            /** @description A query parameter, or a body other than `{}`. Codes: `bad_request`, `unknown_parameter`, `malformed_json`, `duplicate_key`, `wrong_type`, `unknown_field`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["ServiceTokenRequired"];
            /** @description No such school (`unknown_school`), also for a trust id, and for a segment that is not an id (answered before the credentials are looked at). */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description The school is not a dummy site (`site_already_live`): it went live before, or never was a dummy. Nothing changed, and nobody was told again. */
            409: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["Unavailable"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Alive. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["TooManyConnections"];
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
            /** @description The request is malformed. Codes: `bad_request`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["BodyTooLarge"];
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            /** @description Not ready (`unavailable`): shutting down, or the database does not answer. Also `too_many_connections` at the connection limit (then with `Retry-After: 1` and a new `X-Request-Id`). */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    /** @description `1`, on `too_many_connections` only. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description A request id to use instead of a generated one, echoed in the response and written to the access log. Used only when it is 1 to 64 characters of `[A-Za-z0-9._-]`; any other value is ignored (not refused) and a new id is generated.
                 * @example gw-7f3a9c
                 */
                "X-Request-Id"?: components["parameters"]["RequestId"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4; charset=utf-8": string;
                };
            };
            /** @description The request is malformed. Codes: `bad_request`. */
            400: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description Metrics are off (`serve --no-metrics`), or served on another listener (`--metrics-listen`). Codes: `not_found`. */
            404: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            431: components["responses"]["HeadersTooLarge"];
            500: components["responses"]["Internal"];
            503: components["responses"]["TooManyConnections"];
        };
    };
    connectionRequestedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The event's id (`msg_` and 22 base64url characters), the same on every attempt and on a redelivery, and the `id` that `GET /partner/v1/events` lists. Deduplicate on it.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                "webhook-id": components["parameters"]["WebhookId"];
                /**
                 * @description When this attempt started, in Unix seconds; new on every attempt. Refuse one far from your clock (Standard Webhooks libraries allow 5 minutes), so that a captured request cannot be replayed later.
                 * @example 1796029965
                 */
                "webhook-timestamp": components["parameters"]["WebhookTimestamp"];
                /**
                 * @description `v1,` and the standard base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` (the body as sent, byte for byte), keyed with the bytes the secret's base64 after `whsec_` decodes to. While the operator rotates the secret there are two, separated by a space: one with the current secret, one with the previous one. Accept the request when one of them matches, compared in constant time.
                 * @example v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,3gW1y8V0fCq2OaQeXkO7Z2cB6n2hJc4s0yqJxH6kR9M=
                 */
                "webhook-signature": components["parameters"]["WebhookSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerEventPayload"] & {
                    /** @constant */
                    type: "connection.requested";
                };
            };
        };
        responses: {
            /** @description Delivered. Canopy reads the status only (and at most 64 KiB of the body, which it ignores); the event is not sent again unless an operator redelivers it. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered (a signature that does not verify, for example), like any answer that is not `2xx`, a redirect included; tried again later. */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; tried again later, with backoff, until the attempts or the event's age run out. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    connectionApprovedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The event's id (`msg_` and 22 base64url characters), the same on every attempt and on a redelivery, and the `id` that `GET /partner/v1/events` lists. Deduplicate on it.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                "webhook-id": components["parameters"]["WebhookId"];
                /**
                 * @description When this attempt started, in Unix seconds; new on every attempt. Refuse one far from your clock (Standard Webhooks libraries allow 5 minutes), so that a captured request cannot be replayed later.
                 * @example 1796029965
                 */
                "webhook-timestamp": components["parameters"]["WebhookTimestamp"];
                /**
                 * @description `v1,` and the standard base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` (the body as sent, byte for byte), keyed with the bytes the secret's base64 after `whsec_` decodes to. While the operator rotates the secret there are two, separated by a space: one with the current secret, one with the previous one. Accept the request when one of them matches, compared in constant time.
                 * @example v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,3gW1y8V0fCq2OaQeXkO7Z2cB6n2hJc4s0yqJxH6kR9M=
                 */
                "webhook-signature": components["parameters"]["WebhookSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerEventPayload"] & {
                    /** @constant */
                    type: "connection.approved";
                };
            };
        };
        responses: {
            /** @description Delivered. Canopy reads the status only (and at most 64 KiB of the body, which it ignores); the event is not sent again unless an operator redelivers it. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered (a signature that does not verify, for example), like any answer that is not `2xx`, a redirect included; tried again later. */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; tried again later, with backoff, until the attempts or the event's age run out. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    connectionRejectedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The event's id (`msg_` and 22 base64url characters), the same on every attempt and on a redelivery, and the `id` that `GET /partner/v1/events` lists. Deduplicate on it.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                "webhook-id": components["parameters"]["WebhookId"];
                /**
                 * @description When this attempt started, in Unix seconds; new on every attempt. Refuse one far from your clock (Standard Webhooks libraries allow 5 minutes), so that a captured request cannot be replayed later.
                 * @example 1796029965
                 */
                "webhook-timestamp": components["parameters"]["WebhookTimestamp"];
                /**
                 * @description `v1,` and the standard base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` (the body as sent, byte for byte), keyed with the bytes the secret's base64 after `whsec_` decodes to. While the operator rotates the secret there are two, separated by a space: one with the current secret, one with the previous one. Accept the request when one of them matches, compared in constant time.
                 * @example v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,3gW1y8V0fCq2OaQeXkO7Z2cB6n2hJc4s0yqJxH6kR9M=
                 */
                "webhook-signature": components["parameters"]["WebhookSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerEventPayload"] & {
                    /** @constant */
                    type: "connection.rejected";
                };
            };
        };
        responses: {
            /** @description Delivered. Canopy reads the status only (and at most 64 KiB of the body, which it ignores); the event is not sent again unless an operator redelivers it. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered (a signature that does not verify, for example), like any answer that is not `2xx`, a redirect included; tried again later. */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; tried again later, with backoff, until the attempts or the event's age run out. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    connectionExpiredWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The event's id (`msg_` and 22 base64url characters), the same on every attempt and on a redelivery, and the `id` that `GET /partner/v1/events` lists. Deduplicate on it.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                "webhook-id": components["parameters"]["WebhookId"];
                /**
                 * @description When this attempt started, in Unix seconds; new on every attempt. Refuse one far from your clock (Standard Webhooks libraries allow 5 minutes), so that a captured request cannot be replayed later.
                 * @example 1796029965
                 */
                "webhook-timestamp": components["parameters"]["WebhookTimestamp"];
                /**
                 * @description `v1,` and the standard base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` (the body as sent, byte for byte), keyed with the bytes the secret's base64 after `whsec_` decodes to. While the operator rotates the secret there are two, separated by a space: one with the current secret, one with the previous one. Accept the request when one of them matches, compared in constant time.
                 * @example v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,3gW1y8V0fCq2OaQeXkO7Z2cB6n2hJc4s0yqJxH6kR9M=
                 */
                "webhook-signature": components["parameters"]["WebhookSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerEventPayload"] & {
                    /** @constant */
                    type: "connection.expired";
                };
            };
        };
        responses: {
            /** @description Delivered. Canopy reads the status only (and at most 64 KiB of the body, which it ignores); the event is not sent again unless an operator redelivers it. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered (a signature that does not verify, for example), like any answer that is not `2xx`, a redirect included; tried again later. */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; tried again later, with backoff, until the attempts or the event's age run out. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    schoolIdsChangedWebhook: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The event's id (`msg_` and 22 base64url characters), the same on every attempt and on a redelivery, and the `id` that `GET /partner/v1/events` lists. Deduplicate on it.
                 * @example msg_7pg9_VCALa4tkA9gDgJlAB
                 */
                "webhook-id": components["parameters"]["WebhookId"];
                /**
                 * @description When this attempt started, in Unix seconds; new on every attempt. Refuse one far from your clock (Standard Webhooks libraries allow 5 minutes), so that a captured request cannot be replayed later.
                 * @example 1796029965
                 */
                "webhook-timestamp": components["parameters"]["WebhookTimestamp"];
                /**
                 * @description `v1,` and the standard base64 of HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` (the body as sent, byte for byte), keyed with the bytes the secret's base64 after `whsec_` decodes to. While the operator rotates the secret there are two, separated by a space: one with the current secret, one with the previous one. Accept the request when one of them matches, compared in constant time.
                 * @example v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,3gW1y8V0fCq2OaQeXkO7Z2cB6n2hJc4s0yqJxH6kR9M=
                 */
                "webhook-signature": components["parameters"]["WebhookSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PartnerEventPayload"] & {
                    /** @constant */
                    type: "school.ids_changed";
                };
            };
        };
        responses: {
            /** @description Delivered. Canopy reads the status only (and at most 64 KiB of the body, which it ignores); the event is not sent again unless an operator redelivers it. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered (a signature that does not verify, for example), like any answer that is not `2xx`, a redirect included; tried again later. */
            "4XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; tried again later, with backoff, until the attempts or the event's age run out. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
