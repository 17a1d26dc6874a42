-- The public bot (see Bots/Public/PublicBot.cs): a channel manager flags a post "in crisis", and its threads go to
-- advisors, first. The bot's settings live in connections.settings_json (PublicBot); nothing else is stored here.
ALTER TABLE social_posts ADD COLUMN crisis_since TIMESTAMPTZ NULL, ADD COLUMN crisis_flagged_by BIGINT NULL REFERENCES advisors(id);
