-- An outbox row names its log entry instead of carrying a copy of it, as server.db's
-- migration 0005 (migrations/server/): the same columns and meanings. `trigger_id` keeps its
-- values and becomes a column of its own; `payload` stays for the rows queued before, and for
-- queued rows whose log entry is deleted (the trigger below copies the entry first).
ALTER TABLE outbox ALTER COLUMN trigger_id DROP EXPRESSION;
ALTER TABLE outbox ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_payload_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_payload_check
  CHECK (payload IS NULL OR CAST(payload AS json) IS NOT NULL);
DROP INDEX outbox_unsent;
-- Every alert wrote an entry in this index too. Its readers (the console's alerts of a
-- measurement, the deletion of a measurement's logs) find the logs through their service
-- views (logs_service_view_time) and the triggers' ids, as in server.db, which never had it.
DROP INDEX logs_trigger;

CREATE FUNCTION keep_queued_notification() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE outbox SET payload = CAST(json_build_object('id', OLD.id,
      'serviceViewId', OLD.service_view_id, 'triggerId', OLD.trigger_id,
      'creationTime', OLD.creation_time, 'resultText', OLD.result, 'error', OLD.error,
      'tags', CAST(OLD.tags AS json)) AS text)
  WHERE trigger_id = OLD.trigger_id AND log_id = OLD.id AND payload IS NULL
    AND sent_at IS NULL AND failed_at IS NULL;
  RETURN OLD;
END
$$;
CREATE TRIGGER logs_keep_queued_notification BEFORE DELETE ON logs
  FOR EACH ROW EXECUTE FUNCTION keep_queued_notification();
