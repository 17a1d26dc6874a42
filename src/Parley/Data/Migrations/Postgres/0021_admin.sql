-- Administration (Identity/AdvisorAdministration.cs): an admin disables an advisor instead of deleting them, so their
-- messages, notes and reporting events keep their author. A disabled advisor cannot sign in (AdvisorSignIn).
ALTER TABLE advisors ADD COLUMN disabled_at TIMESTAMPTZ NULL;
