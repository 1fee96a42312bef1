-- Issue 18: the exchange of official documents with other agencies in EDXML (QCVN 102:2016),
-- through the national document-exchange axis and the EDXML inbox (src/modules/documents/exchange).

-- One row per message we send and recipient: the document itself to each agency in its To list,
-- or a status to the agency it answers. The integration outbox carries the delivery (retries,
-- dead letters, replay); this row is what a page shows about it, kept by the outbox's adapter.
create table edxml_deliveries (
  message_id    uuid not null,
  organ_id      text not null,
  -- The EDXML DocumentId of the document, or of the document a status answers.
  document_id   text not null,
  kind          text not null check (kind in ('document', 'status')),
  status_code   text,
  -- SHA-256 of the signed XML in the blob store.
  blob          text not null,
  state         text not null default 'pending' check (state in ('pending', 'sent', 'failed', 'dead')),
  attempts      int not null default 0,
  last_error    text,
  -- The axis's id for the message, once it took it.
  axis_id       text,
  created_at    timestamptz not null default now(),
  sent_at       timestamptz,
  primary key (message_id, organ_id)
);
create index edxml_deliveries_document on edxml_deliveries (document_id, created_at);

-- Every EDXML message received (inbox or axis), by the hash of its bytes: the same message
-- received twice (an acknowledgement lost, a sender's retry) is answered as the first time.
create table edxml_received (
  sha256        text primary key,
  via           text not null check (via in ('axis', 'inbox')),
  kind          text not null check (kind in ('document', 'status')),
  sender        text not null,
  document_id   text not null,
  status_code   text,
  -- The incoming document's id, for a document.
  incoming_id   text,
  received_at   timestamptz not null default now()
);

-- The agency's key for the XML signatures of what it sends (demo mode: a test key made on first
-- use, so every node signs with the same one; production reads SIGNING_P12_DIR/edxml-<OrganId>.p12).
create table edxml_signing_keys (
  organ_id      text primary key,
  p12           bytea not null,
  created_at    timestamptz not null default now()
);
