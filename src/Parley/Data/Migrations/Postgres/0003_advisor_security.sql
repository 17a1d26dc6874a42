-- Console sign-in hardening (Identity/): every session cookie carries the advisor's security stamp and is refused once
-- it changes (sign-out, password or role change); repeated wrong passwords lock the account for a while, on every node.
ALTER TABLE advisors ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
ALTER TABLE advisors ADD COLUMN failed_login_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE advisors ADD COLUMN locked_until TIMESTAMPTZ NULL;
-- Cookies issued before this migration carry no stamp and are refused: every advisor signs in once more.
UPDATE advisors SET security_stamp = replace(gen_random_uuid()::text, '-', '');
