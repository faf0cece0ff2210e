-- Customer store of the platform: the system of record that Lethe's erasers act on.
-- Every table is keyed by tenant first, so a tenant's rows cluster together and no
-- query can reach another tenant's rows without naming that tenant.
-- PII columns are nullable because erasure scrubs them in place: the row, its id and its
-- timestamps stay for reporting (DESIGN.md section 1).
-- Blob content (attachments, recording audio) lives in the blob store under keys derived
-- from (tenant_id, id) - no column holds the key, so erasure can always be re-run.

create table customers (
    tenant_id       text        not null,
    id              text        not null,
    name            text,                     -- PII
    created_at      timestamptz not null,
    last_contact_at timestamptz,
    erased_at       timestamptz,              -- set by the customer-details eraser
    primary key (tenant_id, id)
);
create index customers_last_contact_idx on customers (tenant_id, last_contact_at);

create table customer_emails (
    tenant_id   text    not null,
    id          text    not null,
    customer_id text    not null,
    email       text    not null,             -- PII: the row is deleted on erasure
    is_primary  boolean not null default false,
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_emails_customer_idx on customer_emails (tenant_id, customer_id);

create table customer_phones (
    tenant_id   text not null,
    id          text not null,
    customer_id text not null,
    phone       text not null,                -- PII: the row is deleted on erasure
    kind        text not null check (kind in ('MOBILE', 'HOME', 'WORK')),
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_phones_customer_idx on customer_phones (tenant_id, customer_id);

create table customer_addresses (
    tenant_id   text not null,
    id          text not null,
    customer_id text not null,
    line        text not null,                -- PII: the row is deleted on erasure
    city        text not null,
    postal_code text not null,
    country     text not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_addresses_customer_idx on customer_addresses (tenant_id, customer_id);

-- That two people are related is itself personal data of both, so erasing either
-- side deletes the row.
create table customer_relationships (
    tenant_id           text not null,
    customer_id         text not null,
    related_customer_id text not null,
    relation_kind       text not null check (relation_kind in ('SPOUSE', 'FAMILY', 'COLLEAGUE', 'ASSISTANT', 'OTHER')),
    primary key (tenant_id, customer_id, related_customer_id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id),
    foreign key (tenant_id, related_customer_id) references customers (tenant_id, id)
);
create index customer_relationships_related_idx on customer_relationships (tenant_id, related_customer_id);

create table conversations (
    tenant_id   text        not null,
    id          text        not null,
    customer_id text        not null,
    channel     text        not null check (channel in ('EMAIL', 'SMS', 'CHAT', 'VOICE', 'SOCIAL')),
    status      text        not null check (status in ('OPEN', 'WAITING', 'CLOSED')),
    subject     text,                         -- PII
    created_at  timestamptz not null,
    closed_at   timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index conversations_customer_idx on conversations (tenant_id, customer_id);

-- A contact is one message of any channel (an email, an SMS, a chat message, a call, a DM).
create table contacts (
    tenant_id       text        not null,
    id              text        not null,
    conversation_id text        not null,
    customer_id     text        not null,
    channel         text        not null check (channel in ('EMAIL', 'SMS', 'CHAT', 'VOICE', 'SOCIAL')),
    direction       text        not null check (direction in ('INBOUND', 'OUTBOUND')),
    from_address    text,                     -- PII
    body            text,                     -- PII
    occurred_at     timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index contacts_customer_idx on contacts (tenant_id, customer_id);
create index contacts_conversation_idx on contacts (tenant_id, conversation_id);

-- Audio content: blob key <tenant>/recordings/<id>.
create table voice_recordings (
    tenant_id        text        not null,
    id               text        not null,
    contact_id       text        not null,
    customer_id      text        not null,
    duration_seconds integer     not null,
    transcript       text,                    -- PII
    created_at       timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index voice_recordings_customer_idx on voice_recordings (tenant_id, customer_id);
create index voice_recordings_contact_idx on voice_recordings (tenant_id, contact_id);

-- File content: blob key <tenant>/attachments/<id>.
create table attachments (
    tenant_id    text        not null,
    id           text        not null,
    contact_id   text        not null,
    customer_id  text        not null,
    file_name    text,                        -- PII
    content_type text        not null,
    size_bytes   bigint      not null,
    created_at   timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index attachments_customer_idx on attachments (tenant_id, customer_id);
create index attachments_contact_idx on attachments (tenant_id, contact_id);

-- The platform's copy of data pulled from external apps (orders, survey answers, ...).
-- Erasure deletes the copy; the external app keeps its own.
create table integration_records (
    tenant_id   text        not null,
    id          text        not null,
    customer_id text        not null,
    kind        text        not null check (kind in ('ORDER', 'CSAT', 'NPS', 'EXTERNAL_APP')),
    source_app  text        not null,
    payload     jsonb       not null,         -- PII: the row is deleted on erasure
    created_at  timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index integration_records_customer_idx on integration_records (tenant_id, customer_id);

-- No PII: kept after erasure for the Work Session reports.
create table work_sessions (
    tenant_id       text        not null,
    id              text        not null,
    conversation_id text        not null,
    customer_id     text        not null,
    agent_id        text        not null,
    started_at      timestamptz not null,
    ended_at        timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id),
    foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index work_sessions_customer_idx on work_sessions (tenant_id, customer_id);
