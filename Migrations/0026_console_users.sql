-- People who use the finance console: one tenant each, a role, a bcrypt password hash (never
-- the password), and a lock after repeated failed logins.
CREATE TABLE users (
    tenant_id      text        NOT NULL REFERENCES tenants (tenant_id),
    user_id        text        NOT NULL,
    email          text        NOT NULL CHECK (email = lower(email)),
    role           text        NOT NULL CHECK (role IN ('admin', 'finance', 'collector', 'auditor')),
    password_hash  text        NOT NULL CHECK (password_hash ~ '^\$2[aby]\$'),
    failed_logins  int         NOT NULL DEFAULT 0,
    locked_until   timestamptz,
    created_at     timestamptz NOT NULL,
    disabled_at    timestamptz,
    PRIMARY KEY (tenant_id, user_id)
);
-- An e-mail address logs into one tenant: the login form asks for nothing else.
CREATE UNIQUE INDEX users_email ON users (email);

-- Console sessions: the cookie holds a random secret, the table only its SHA-256. Each has its
-- own CSRF secret for the forms of its pages.
CREATE TABLE console_sessions (
    tenant_id     text        NOT NULL,
    session_hash  text        NOT NULL CHECK (session_hash ~ '^[0-9a-f]{64}$'),
    user_id       text        NOT NULL,
    csrf          text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, session_hash),
    UNIQUE (session_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, user_id)
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
