CREATE TABLE IF NOT EXISTS public.people (id bigint PRIMARY KEY, name text);
