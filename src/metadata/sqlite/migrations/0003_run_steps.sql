-- The steps of a multi-step run (task files): id, type, status, times, exit code, images built
-- and pushed, base images, as a JSON array written when the run ends. '[]' for quick builds.
ALTER TABLE runs ADD COLUMN steps TEXT NOT NULL DEFAULT '[]';
