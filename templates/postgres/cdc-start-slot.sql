-- The CDC start point of a PostgreSQL DMS source, made before the export, so that export and stream meet exactly.
--
-- PostgreSQL as a DMS source does not support a custom CDC start time (DMS guide, "Creating tasks for ongoing
-- replication": https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Task.CDC.html). A native start position
-- (CdcStartPosition, an LSN) needs a logical replication slot that already exists and is named on the source
-- endpoint: DMS checks both before the task starts (PostgreSQLSettings.SlotName:
-- https://docs.aws.amazon.com/dms/latest/APIReference/API_PostgreSQLSettings.html; CdcStartPosition:
-- https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationTask.html).
--
-- Runbook (stacks/ledger-replica, modules/stream-to-postgres README "Full load, then the stream"):
--   1. Run this file on the source, BEFORE the export, as the DMS login (rds_replication on RDS) or rds_superuser:
--        psql "host=<source> dbname=dmv user=<login> sslmode=verify-full" -v slot_name=dms_ledger -f cdc-start-slot.sql
--      It creates the slot (plugin test_decoding) and prints slot_name, cdc_start_position (the slot's LSN) and
--      high_water_mark (UTC).
--   2. Take the export: any snapshot taken after step 1 returned.
--   3. Configure and deploy: slotName = slot_name on the PostgresSourceEndpoint (plugin test-decoding),
--      changeSource.cdcStartPosition = cdc_start_position, highWaterMark = high_water_mark. Run the full load, then
--      start the CDC task.
-- Why nothing is lost or doubled: the slot decodes every transaction that commits after its LSN, from that LSN on,
-- and keeps the WAL until DMS has read it; every transaction committed before it is in the export, whose snapshot is
-- taken later. Transactions committed between step 1 and the export's snapshot are in both: the consumer applies them
-- again as position-guarded upserts and deletes over exported rows (which carry no position), which leaves each row
-- as its last change made it. high_water_mark is the start of this statement's transaction, so it is earlier than
-- every commit the slot decodes: the consumer, which skips changes committed at or before it, skips none of them.
--
-- The slot holds WAL on the source until DMS consumes it: start the CDC task soon after the full load, and watch
-- the last query's restart_lsn. If the migration is abandoned, drop it: SELECT pg_drop_replication_slot('dms_ledger');
-- A slot of that name that already exists is an error here: its position is unknown, so never reuse one.
\set ON_ERROR_STOP on

SELECT slot_name,
       lsn::text AS cdc_start_position,
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS high_water_mark
FROM pg_create_logical_replication_slot(:'slot_name', 'test_decoding');

SELECT slot_name, plugin, slot_type, database, active, restart_lsn::text, confirmed_flush_lsn::text
FROM pg_replication_slots
WHERE slot_name = :'slot_name';
