/*
  Log reading without sysadmin, for a self-managed SQL Server (on premises or EC2): the objects in master that DMS
  calls instead of reading the log itself when the source endpoint sets enableNonSysadminWrapper=true (the module
  sets it for ms-cdc and ms-replication on a self-managed source whose DMS login is not sysadmin).

  Follows the DMS User Guide, "Capturing data changes for ongoing replication from SQL Server", section "Setting up
  ongoing replication on a standalone SQL Server: Without sysadmin role", steps 3 to 13
  (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Source.SQLServer.CDC.html#CHAP_SupportScripts.SQLServer.standalone):
    - schema awsdms in master;
    - table-valued function awsdms.split_partition_list;
    - procedure awsdms.rtm_dump_dblog, signed by certificate awsdms_rtm_dump_dblog_cert, whose login
      awsdms_rtm_dump_dblog_login is in sysadmin (sys.fn_dump_dblog needs sysadmin; the signature lends it to this
      procedure alone);
    - procedure awsdms.rtm_position_1st_timestamp, signed the same way by awsdms_rtm_position_1st_timestamp_cert.
  Same names, parameters and result columns as the guide. Differences, none visible to DMS:
    - re-runnable: a procedure that exists is altered (its grants stay; altering drops the signature, so it is
      signed again: the guide's note "if you recreate the stored procedure, you need to add the signature again");
    - each run makes new certificates with a random one-off password and removes their private keys after signing,
      so no other module can ever be signed into sysadmin with them, and there is no certificate password to keep;
    - rtm_position_1st_timestamp passes its arguments to dynamic SQL as parameters (the guide concatenates them).
  Then grant the DMS login access with login-ms-cdc.sql (Hosting="self-managed") or login-ms-replication.sql
  (option B), which refuse to run without these objects.

  Run as sysadmin on the source server (in an availability group: on every replica, as the guide's "availability
  group environment" section says):
    sqlcmd -S <server> -d master -i non-sysadmin-wrapper.sql
  Remove everything with 90-after-cutover.sql.
*/
:on error exit
SET NOCOUNT ON;
USE master;
GO
IF SCHEMA_ID(N'awsdms') IS NULL EXEC (N'CREATE SCHEMA awsdms AUTHORIZATION dbo');
GO

-- Stubs, so that the definitions below are ALTERs: grants given by the login scripts survive a re-run.
IF OBJECT_ID(N'awsdms.split_partition_list', N'TF') IS NULL
  EXEC (N'CREATE FUNCTION awsdms.split_partition_list (@plist varchar(8000), @dlm nvarchar(1)) RETURNS @partitionsTable TABLE (pid bigint PRIMARY KEY) AS BEGIN RETURN; END');
IF OBJECT_ID(N'awsdms.rtm_dump_dblog', N'P') IS NULL
  EXEC (N'CREATE PROCEDURE awsdms.rtm_dump_dblog AS RETURN 0;');
IF OBJECT_ID(N'awsdms.rtm_position_1st_timestamp', N'P') IS NULL
  EXEC (N'CREATE PROCEDURE awsdms.rtm_position_1st_timestamp AS RETURN 0;');
GO

SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Guide step 3: the partition ids DMS passes as one delimited string, as a table.
ALTER FUNCTION awsdms.split_partition_list
(
  @plist varchar(8000), -- delimited partition ids
  @dlm nvarchar(1)      -- the delimiter
)
RETURNS @partitionsTable TABLE (pid bigint PRIMARY KEY)
AS
BEGIN
  DECLARE @dlm_len integer = LEN(@dlm);
  DECLARE @dlm_pos integer;
  WHILE CHARINDEX(@dlm, @plist) > 0
  BEGIN
    SET @dlm_pos = CHARINDEX(@dlm, @plist);
    INSERT INTO @partitionsTable (pid) VALUES (CAST(LTRIM(RTRIM(SUBSTRING(@plist, 1, @dlm_pos - 1))) AS bigint));
    SET @plist = SUBSTRING(@plist, @dlm_pos + @dlm_len, LEN(@plist));
  END;
  INSERT INTO @partitionsTable (pid) VALUES (CAST(LTRIM(RTRIM(@plist)) AS bigint));
  RETURN;
END;
GO

SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Guide step 4: the log records DMS reads (from the active log or a log backup file), after @start_lsn.
-- @programmed_filtering = 0: only the partitions listed; otherwise the partitions between @minPartition and
-- @maxPartition.
ALTER PROCEDURE awsdms.rtm_dump_dblog
(
  @start_lsn varchar(32),
  @seqno integer,
  @filename varchar(260),
  @partition_list varchar(8000), -- comma-delimited: P1,P2,...,Pn
  @programmed_filtering integer,
  @minPartition bigint,
  @maxPartition bigint
)
AS
BEGIN
  SET NOCOUNT ON;
  DECLARE @start_lsn_cmp varchar(32) = ISNULL(@start_lsn, '00000000:00000000:0000'); -- the "greater than" bound
  IF @partition_list IS NULL
  BEGIN
    RAISERROR ('Null partition list was passed', 16, 1);
    RETURN;
  END;
  IF @start_lsn IS NOT NULL SET @start_lsn = '0x' + @start_lsn;

  -- Column names and their case exactly as in the guide's procedure (DMS reads this result set).
  SELECT [Current LSN], [operation], [Context], [Transaction ID], [Transaction Name], [Begin Time], [End Time],
         [Flag Bits], [PartitionID], [Page ID], [Slot ID], [RowLog Contents 0], [Log Record],
         [RowLog Contents 1] -- after image
  FROM fn_dump_dblog(@start_lsn, NULL, N'DISK', @seqno, @filename,
    -- the 63 remaining backup-device arguments of sys.fn_dump_dblog
    DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
    DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
    DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
    DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
    DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
    DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
    DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT)
  WHERE [Current LSN] COLLATE SQL_Latin1_General_CP1_CI_AS > @start_lsn_cmp COLLATE SQL_Latin1_General_CP1_CI_AS
    AND (
         [operation] IN ('LOP_BEGIN_XACT', 'LOP_COMMIT_XACT', 'LOP_ABORT_XACT')
      OR ([operation] IN ('LOP_INSERT_ROWS', 'LOP_DELETE_ROWS', 'LOP_MODIFY_ROW')
          AND ([context] IN ('LCX_HEAP', 'LCX_CLUSTERED', 'LCX_MARK_AS_GHOST')
               OR ([context] = 'LCX_TEXT_MIX' AND DATALENGTH([RowLog Contents 0]) IN (0, 1)))
          AND ((@programmed_filtering = 0
                AND [PartitionID] IN (SELECT pid FROM master.awsdms.split_partition_list(@partition_list, ',')))
            OR (@programmed_filtering <> 0
                AND [PartitionID] IS NOT NULL AND [PartitionID] >= @minPartition AND [PartitionID] <= @maxPartition)))
      OR [operation] = 'LOP_HOBT_DDL'
    );
  SET NOCOUNT OFF;
END;
GO

SET ANSI_NULLS ON;
SET QUOTED_IDENTIFIER ON;
GO
-- Guide step 9: the first transaction that began at or after @1stTimeStamp in a log backup (a CDC start by time).
ALTER PROCEDURE awsdms.rtm_position_1st_timestamp
(
  @dbname sysname,           -- database name
  @seqno integer,            -- backup set position within the file
  @filename varchar(260),    -- the backup file name
  @1stTimeStamp varchar(40)  -- the time to position at
)
AS
BEGIN
  SET NOCOUNT ON;
  DECLARE @firstMatching TABLE (cLsn varchar(32), bTim datetime);
  DECLARE @sql nvarchar(max) = N'USE ' + QUOTENAME(@dbname) + N';
SELECT [Current LSN], [Begin Time]
FROM fn_dump_dblog(NULL, NULL, NULL, @seqno, @filename,
  DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
  DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
  DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
  DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
  DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
  DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT,
  DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT, DEFAULT)
WHERE [operation] = ''LOP_BEGIN_XACT'' AND [Begin Time] >= CAST(@ts AS datetime);';
  INSERT INTO @firstMatching (cLsn, bTim)
    EXEC sys.sp_executesql @sql, N'@seqno integer, @filename varchar(260), @ts varchar(40)', @seqno = @seqno, @filename = @filename, @ts = @1stTimeStamp;
  SELECT TOP (1) cLsn AS [matching LSN], CONVERT(varchar, bTim, 121) AS [matching Timestamp] FROM @firstMatching ORDER BY cLsn;
  SET NOCOUNT OFF;
END;
GO

-- Guide steps 5-8 and 10-13: a certificate per procedure, a login from it in sysadmin, the procedure signed with it.
-- The procedures were just altered, which dropped any previous signature, so the old certificates can go.
DECLARE @procs TABLE (proc_name sysname, cert sysname, login_name sysname, subject nvarchar(128));
INSERT INTO @procs VALUES
  (N'awsdms.rtm_dump_dblog', N'awsdms_rtm_dump_dblog_cert', N'awsdms_rtm_dump_dblog_login', N'Certificate for FN_DUMP_DBLOG Permissions'),
  (N'awsdms.rtm_position_1st_timestamp', N'awsdms_rtm_position_1st_timestamp_cert', N'awsdms_rtm_position_1st_timestamp_login', N'Certificate for FN_POSITION_1st_TIMESTAMP Permissions');
DECLARE @proc_name sysname, @cert sysname, @login_name sysname, @subject nvarchar(128), @password nvarchar(128), @sql nvarchar(max);
DECLARE signing CURSOR LOCAL FAST_FORWARD FOR SELECT proc_name, cert, login_name, subject FROM @procs;
OPEN signing;
FETCH NEXT FROM signing INTO @proc_name, @cert, @login_name, @subject;
WHILE @@FETCH_STATUS = 0
BEGIN
  IF SUSER_ID(@login_name) IS NOT NULL
  BEGIN
    SET @sql = N'DROP LOGIN ' + QUOTENAME(@login_name) + N';';
    EXEC sys.sp_executesql @sql;
  END;
  IF CERT_ID(@cert) IS NOT NULL
  BEGIN
    SET @sql = N'DROP CERTIFICATE ' + QUOTENAME(@cert) + N';';
    EXEC sys.sp_executesql @sql;
  END;
  -- Used once, below, then thrown away with the private key.
  SET @password = CONVERT(nvarchar(36), NEWID()) + N'aA1!' + CONVERT(nvarchar(36), NEWID());
  SET @sql = N'CREATE CERTIFICATE ' + QUOTENAME(@cert) + N' ENCRYPTION BY PASSWORD = ' + QUOTENAME(@password, '''') + N' WITH SUBJECT = ' + QUOTENAME(@subject, '''') + N';
CREATE LOGIN ' + QUOTENAME(@login_name) + N' FROM CERTIFICATE ' + QUOTENAME(@cert) + N';
ALTER SERVER ROLE [sysadmin] ADD MEMBER ' + QUOTENAME(@login_name) + N';
ADD SIGNATURE TO ' + @proc_name + N' BY CERTIFICATE ' + QUOTENAME(@cert) + N' WITH PASSWORD = ' + QUOTENAME(@password, '''') + N';
ALTER CERTIFICATE ' + QUOTENAME(@cert) + N' REMOVE PRIVATE KEY;';
  EXEC sys.sp_executesql @sql;
  PRINT CONCAT(@proc_name, N' signed by ', @cert, N' (login ', @login_name, N' in sysadmin; private key removed)');
  FETCH NEXT FROM signing INTO @proc_name, @cert, @login_name, @subject;
END;
CLOSE signing;
DEALLOCATE signing;
GO

SELECT o.name AS object_name, o.type_desc, c.name AS signed_by
FROM sys.objects o
LEFT JOIN sys.crypt_properties cp ON cp.major_id = o.object_id
LEFT JOIN sys.certificates c ON c.thumbprint = cp.thumbprint
WHERE o.schema_id = SCHEMA_ID(N'awsdms');
