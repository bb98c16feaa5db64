-- When a CTP request last authenticated with each token, to the minute (the console's
-- "last used"): recorded by the serving process, at most once a minute per token.
ALTER TABLE tokens ADD COLUMN last_used_at text;
