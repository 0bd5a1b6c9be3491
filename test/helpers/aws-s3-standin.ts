import type { Client } from 'pg';

/**
 * A stand-in for RDS's aws_s3 extension (aws_s3.table_import_from_s3 and aws_commons.create_s3_uri, with the
 * signatures of https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.S3Import.Reference.html),
 * installed the way CREATE EXTENSION aws_s3 CASCADE installs the real one: by the master user, in schemas aws_s3 and
 * aws_commons that other users cannot use until granted USAGE. No kinder than RDS on privileges: EXECUTE is revoked
 * from PUBLIC, and the caller (session_user) must hold INSERT on the target table.
 *
 * What RDS does that this does not: it reads the object from S3 through the instance's IAM role (feature s3Import)
 * over the network, with S3's errors and retries; this reads `<mirror>/<bucket>/<key>` from local disk with COPY, as
 * the function's owner (SECURITY DEFINER, a superuser here). Region, credentials and the versioning of the object
 * are ignored.
 *
 * Compressed objects: RDS decompresses an object whose S3 metadata has `Content-Encoding: gzip` ("Importing an Amazon
 * S3 compressed (gzip) file", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.S3Import.FileFormats.html)
 * and reads any other object as is, whatever its key. The stand-in has no S3 metadata: a test marks such an object
 * with a sidecar file `<key>.content-encoding` holding `gzip`, and the stand-in then reads the file through
 * `gzip -dc` (COPY FROM PROGRAM). It does not check that the sidecar matches the object's real metadata.
 */
export function awsS3StandInSql(mirror: string): string {
  return `
    CREATE SCHEMA aws_commons;
    CREATE TYPE aws_commons._s3_uri_1 AS (bucket varchar(63), file_path varchar(1024), region varchar(63));
    CREATE FUNCTION aws_commons.create_s3_uri(b text, k text, r text) RETURNS aws_commons._s3_uri_1
      LANGUAGE sql AS $$ SELECT ROW(b, k, r)::aws_commons._s3_uri_1 $$;
    CREATE SCHEMA aws_s3;
    CREATE FUNCTION aws_s3.table_import_from_s3(table_name text, column_list text, options text, s3_info aws_commons._s3_uri_1)
      RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        n bigint;
        file text := '${mirror}/' || (s3_info).bucket || '/' || (s3_info).file_path;
      BEGIN
        IF NOT has_table_privilege(session_user, table_name, 'INSERT') THEN
          RAISE EXCEPTION 'permission denied for table %', table_name USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF btrim(coalesce(pg_read_file(file || '.content-encoding', 0, 64, true), '')) = 'gzip' THEN
          IF position('''' in file) > 0 THEN RAISE EXCEPTION 'stand-in: no quotes in keys of gzip objects'; END IF;
          EXECUTE format('COPY %s (%s) FROM PROGRAM %L WITH %s', table_name, column_list, 'gzip -dc ''' || file || '''', options);
        ELSE
          EXECUTE format('COPY %s (%s) FROM %L WITH %s', table_name, column_list, file, options);
        END IF;
        GET DIAGNOSTICS n = ROW_COUNT;
        RETURN format('%s rows imported into relation "%s" from file %s', n, table_name, (s3_info).file_path);
      END $$;
    REVOKE ALL ON ALL FUNCTIONS IN SCHEMA aws_s3, aws_commons FROM PUBLIC;`;
}

/**
 * The master user's connection as it behaves on RDS for the aws_s3 extension: pg_available_extensions lists it, and
 * `CREATE EXTENSION IF NOT EXISTS "aws_s3" CASCADE` installs the stand-in (once). Every other statement goes to the
 * real Postgres unchanged, so the bootstrap's roles and grants are real.
 */
export function withAwsS3Extension(client: Client, mirror: string): Client {
  const query = async (text: unknown, params?: unknown[]) => {
    if (typeof text === 'string' && /FROM pg_available_extensions WHERE name = \$1/.test(text) && params?.[0] === 'aws_s3') {
      return { rows: [{ '?column?': 1 }], rowCount: 1 };
    }
    if (text === 'CREATE EXTENSION IF NOT EXISTS "aws_s3" CASCADE') {
      const installed = (await client.query("SELECT 1 FROM pg_namespace WHERE nspname = 'aws_s3'")).rowCount === 1;
      if (!installed) await client.query(awsS3StandInSql(mirror));
      return { rows: [], rowCount: null };
    }
    return client.query(text as string, params);
  };
  return new Proxy(client, { get: (target, prop) => (prop === 'query' ? query : Reflect.get(target, prop)) });
}
