-- A soft-declined charge records when its next attempt was planned, so that the payment object
-- (API and every payment event) is one shape whether read back or announced as it happened.
ALTER TABLE payments ADD COLUMN next_attempt_at timestamptz;
