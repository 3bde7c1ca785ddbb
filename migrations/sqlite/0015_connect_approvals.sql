-- The alternative connection's page. A school user who signs in on a link is given a ticket for
-- approving through that link; only its digest is kept on the link, with whose it is and until
-- when (a later sign-in on the same link replaces it).
ALTER TABLE connect_links ADD COLUMN approver_user_id INTEGER;
ALTER TABLE connect_links ADD COLUMN approver_ticket_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE connect_links ADD COLUMN approver_until_ms INTEGER;
-- How a user signs in to the MIS: password, single_sign_on or two_step_verification (from the
-- tenants files). Only a password user may approve on a link's page.
ALTER TABLE users ADD COLUMN sign_in TEXT NOT NULL DEFAULT 'password';
-- A trust user's first opening of a school of their trust (its Partner Apps): the alternative
-- connection needs it, as the MIS needs a MAT user to have signed in to the school once.
CREATE TABLE IF NOT EXISTS school_visits (
  user_id INTEGER NOT NULL,
  school_id TEXT NOT NULL,
  first_at_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, school_id)
);
