-- A comment's webhook often names its post by id only. Parley then reads the post (text, link, picture) from the
-- network once, in the background (Channels/PostDetails.cs): details_fetched_at is when a node claimed that read, so
-- several nodes never read the same post twice, and a post with it null is still to be read.
ALTER TABLE social_posts ADD COLUMN details_fetched_at TIMESTAMPTZ NULL;
CREATE INDEX ix_social_posts_details_unfetched ON social_posts (id) WHERE details_fetched_at IS NULL AND text IS NULL;
