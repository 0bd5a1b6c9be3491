import {
  binaryReaderSupport,
  logMinerSupport,
  ORACLE_GUIDE,
  oracleExtraConnectionAttributes,
  oracleMajorMinor,
  OracleModeError,
  OracleSourceFacts,
  pickOracleCaptureMode,
  validateOracleCaptureMode,
  validateOracleOptions,
} from '../../../modules/dms-migration';

/**
 * The rules of "Using an Oracle database as a source for AWS DMS" (DMS User Guide), one test each. No Oracle engine
 * runs here: these check the decisions and the emitted attributes, not that DMS accepts them (see templates/oracle/README.md).
 */
const base: OracleSourceFacts = { continuous: true, version: '19', edition: 'enterprise' };

describe('pickOracleCaptureMode (DMS guide: Using Oracle LogMiner or AWS DMS Binary Reader for CDC)', () => {
  test.each<[string, Partial<OracleSourceFacts>, string]>([
    ['default: LogMiner (DMS default, the guide\'s general advice)', {}, 'logminer'],
    ['full load only: LogMiner (no capture settings)', { continuous: false }, 'logminer'],
    ['high redo volume / several tasks: Binary Reader', { highRedoVolume: true }, 'binary-reader'],
    ['pluggable database: Binary Reader (LogMiner does not connect to a PDB)', { container: 'pdb' }, 'binary-reader'],
    ['OCI: Binary Reader (no LogMiner on OCI)', { hosting: 'oci' }, 'binary-reader'],
    ['Active Data Guard standby: Binary Reader', { standby: true }, 'binary-reader'],
    ['XA transactions: Binary Reader', { xaTransactions: true }, 'binary-reader'],
    ['high redo on ASM: still LogMiner (Binary Reader on ASM refused here)', { highRedoVolume: true, asm: true }, 'logminer'],
    ['high redo with table clusters: LogMiner', { highRedoVolume: true, tableClusters: true }, 'logminer'],
    ['RDS 19 high redo: Binary Reader', { hosting: 'rds', highRedoVolume: true }, 'binary-reader'],
  ])('%s', (_name, facts, mode) => {
    expect(pickOracleCaptureMode({ ...base, ...facts }).mode).toBe(mode);
  });

  test('the reason says why Binary Reader was passed over', () => {
    expect(pickOracleCaptureMode({ ...base, highRedoVolume: true, asm: true }).reasons.join(' ')).toMatch(/Binary Reader would suit the high redo volume, but Binary Reader on ASM needs the ASM login in a second secret/);
  });

  test.each<[string, Partial<OracleSourceFacts>, RegExp]>([
    ['CDB$ROOT', { container: 'cdb-root' }, /does not support the container root CDB\$ROOT .*container: 'pdb'/],
    ['Express 21 (no CDC from XE 18+)', { edition: 'express', version: '21' }, /no change data capture from Oracle Express Edition 18 and later .*Express 21/],
    ['RDS with column TDE', { hosting: 'rds', tde: 'column' }, /never column-level TDE/],
    ['NOARCHIVELOG', { archiveLogMode: false }, /NOARCHIVELOG .*10-archivelog-self-managed\.sql/],
    ['RDS without automated backups', { hosting: 'rds', automatedBackups: false }, /automated backups on/],
    ['no supplemental logging (RDS)', { hosting: 'rds', supplementalLogging: false }, /20-supplemental-logging-rds\.sql/],
    ['PDB with table clusters', { container: 'pdb', tableClusters: true }, /neither capture mode works .*LogMiner does not support connections to a pluggable database.*Binary Reader does not support table clusters/],
  ])('fails when no mode can work: %s', (_name, facts, message) => {
    expect(() => pickOracleCaptureMode({ ...base, ...facts })).toThrow(OracleModeError);
    expect(() => pickOracleCaptureMode({ ...base, ...facts })).toThrow(message);
  });

  test('Express before 18 still captures changes', () => {
    expect(pickOracleCaptureMode({ ...base, edition: 'express', version: '11.2.0.2' }).mode).toBe('logminer');
  });
});

describe('validateOracleCaptureMode: each documented rule, with the message', () => {
  test.each<[string, 'logminer' | 'binary-reader', Partial<OracleSourceFacts>, RegExp]>([
    ['CDB$ROOT (Limitations)', 'binary-reader', { container: 'cdb-root' }, /facts\.container 'cdb-root': DMS does not support the container root/],
    ['CDB$ROOT even for full loads', 'logminer', { container: 'cdb-root', continuous: false }, /CDB\$ROOT/],
    ['LogMiner on a PDB (Limitations, LogMiner)', 'logminer', { container: 'pdb' }, /mode 'logminer' is impossible: LogMiner does not support connections to a pluggable database .*Use mode 'binary-reader'\./],
    ['LogMiner on OCI (OCI section)', 'logminer', { hosting: 'oci' }, /OCI-hosted .*Use mode 'binary-reader'/],
    ['LogMiner on a standby (Workflows)', 'logminer', { standby: true }, /standby .*Use mode 'binary-reader'/],
    ['LogMiner with XA transactions (Limitations, LogMiner)', 'logminer', { xaTransactions: true }, /XA transactions/],
    ['Binary Reader with table clusters (Limitations, Binary Reader)', 'binary-reader', { tableClusters: true }, /mode 'binary-reader' is impossible: Binary Reader does not support table clusters .*Use mode 'logminer'\./],
    ['Binary Reader with TDE on RDS (Limitations, Binary Reader)', 'binary-reader', { hosting: 'rds', tde: 'tablespace' }, /TDE only on self-managed databases/],
    ['Binary Reader on ASM (provider cannot set the ASM secret)', 'binary-reader', { asm: true }, /SecretsManagerOracleAsmSecretId/],
    ['Binary Reader on RDS 11.2 before V11', 'binary-reader', { hosting: 'rds', version: '11.2.0.4.v10' }, /RDS for Oracle 11\.2 needs patch V11 or later .*11\.2\.0\.4\.v10/],
    ['Binary Reader on RDS 12.1 before V7', 'binary-reader', { hosting: 'rds', version: '12.1.0.2.v6' }, /12\.1 needs patch V7/],
    ['Binary Reader on RDS 11.1', 'binary-reader', { hosting: 'rds', version: '11.1.0.7' }, /starts at 11\.2\.0\.4\.V11/],
    ['ASM proxy on RDS (Limitations)', 'logminer', { hosting: 'rds', asm: true }, /ASM proxy/],
    ['Binary Reader for a full-load-only source', 'binary-reader', { continuous: false }, /facts\.continuous is false\. Use mode 'logminer'/],
    ['PDB + table clusters: neither', 'logminer', { container: 'pdb', tableClusters: true }, /Binary Reader does not work either .*continuous: false/],
  ])('fails when %s', (_name, mode, facts, message) => {
    const problems = validateOracleCaptureMode(mode, { ...base, ...facts });
    expect(problems.join(' ')).toMatch(message);
  });

  test.each<[string, 'logminer' | 'binary-reader', Partial<OracleSourceFacts>]>([
    ['LogMiner on a non-CDB', 'logminer', {}],
    ['Binary Reader on a PDB', 'binary-reader', { container: 'pdb' }],
    ['LogMiner with ASM (no extra privileges: Workflows)', 'logminer', { asm: true }],
    ['LogMiner with tablespace TDE on RDS', 'logminer', { hosting: 'rds', tde: 'tablespace' }],
    ['Binary Reader with column TDE self-managed', 'binary-reader', { tde: 'column' }],
    ['Binary Reader on RDS 12.1.0.2.v7', 'binary-reader', { hosting: 'rds', version: '12.1.0.2.v7' }],
    ['a full load from Express 21', 'logminer', { edition: 'express', version: '21', continuous: false }],
    ['a full load from a PDB with LogMiner (the PDB limit is about reading redo)', 'logminer', { container: 'pdb', continuous: false }],
  ])('accepts %s', (_name, mode, facts) => {
    expect(validateOracleCaptureMode(mode, { ...base, ...facts })).toEqual([]);
  });

  test('every message cites the DMS guide page', () => {
    for (const [mode, facts] of [
      ['logminer', { container: 'pdb' }],
      ['binary-reader', { tableClusters: true }],
      ['binary-reader', { container: 'cdb-root' }],
    ] as const) {
      expect(validateOracleCaptureMode(mode, { ...base, ...facts }).join(' ')).toContain(ORACLE_GUIDE.source);
    }
  });
});

describe('oracleExtraConnectionAttributes (DMS guide: Configuration for CDC; RDS Binary Reader; endpoint settings)', () => {
  test('LogMiner: nothing (the default)', () => {
    expect(oracleExtraConnectionAttributes('logminer', {}, base)).toBe('');
  });

  test('Binary Reader: useLogminerReader=N;useBfile=Y', () => {
    expect(oracleExtraConnectionAttributes('binary-reader', {}, base)).toBe('useLogminerReader=N;useBfile=Y;');
  });

  test('Binary Reader on RDS 19: the same two (12.2, 18.0, 19.0)', () => {
    expect(oracleExtraConnectionAttributes('binary-reader', {}, { ...base, hosting: 'rds', version: '19.0.0.0.ru-2024-01.rur-2024-01.r1' }, 'ORCL')).toBe('useLogminerReader=N;useBfile=Y;');
  });

  test.each(['11.2.0.4.v11', '12.1.0.2.v7'])('Binary Reader on RDS %s: the path-prefix attributes with the database name', (version) => {
    expect(oracleExtraConnectionAttributes('binary-reader', {}, { ...base, hosting: 'rds', version }, 'orcl')).toBe(
      'useLogminerReader=N;useBfile=Y;accessAlternateDirectly=false;useAlternateFolderForOnline=true;oraclePathPrefix=/rdsdbdata/db/ORCL_A/;usePathPrefix=/rdsdbdata/log/;replacePathPrefix=true;',
    );
  });

  test('Binary Reader on an RDS standby: archivedLogDestId=1;additionalArchivedLogDestId=2', () => {
    expect(oracleExtraConnectionAttributes('binary-reader', {}, { ...base, hosting: 'rds', standby: true })).toBe('useLogminerReader=N;useBfile=Y;archivedLogDestId=1;additionalArchivedLogDestId=2;');
  });

  test('Binary Reader for a full-load-only source: nothing', () => {
    expect(oracleExtraConnectionAttributes('binary-reader', {}, { ...base, continuous: false })).toBe('');
  });

  test('options: addSupplementalLogging, archivedLogsOnly (Y/N), additional verbatim', () => {
    expect(oracleExtraConnectionAttributes('binary-reader', { addSupplementalLogging: true, archivedLogsOnly: true, additional: { exposeViews: 'true' } }, base)).toBe(
      'useLogminerReader=N;useBfile=Y;archivedLogsOnly=Y;addSupplementalLogging=Y;exposeViews=true;',
    );
    expect(oracleExtraConnectionAttributes('logminer', { addSupplementalLogging: false }, base)).toBe('addSupplementalLogging=N;');
  });
});

describe('validateOracleOptions', () => {
  test('fails when archivedLogsOnly is set with LogMiner', () => {
    expect(validateOracleOptions('logminer', { archivedLogsOnly: true }).join(' ')).toMatch(/options\.archivedLogsOnly is a Binary Reader setting/);
  });

  test('fails when additional sets an attribute the mode decides', () => {
    expect(validateOracleOptions('logminer', { additional: { UseBfile: 'Y' } }).join(' ')).toMatch(/options\.additional\.UseBfile is set by the capture mode/);
  });

  test('fails when addSupplementalLogging is set for a full-load-only source', () => {
    expect(validateOracleOptions('logminer', { addSupplementalLogging: true }, { continuous: false }).join(' ')).toMatch(/facts\.continuous is false/);
  });
});

test('oracleMajorMinor reads plain and RDS versions', () => {
  expect(oracleMajorMinor('19')).toEqual([19, 0]);
  expect(oracleMajorMinor('12.1.0.2.v7')).toEqual([12, 1]);
  expect(oracleMajorMinor('19.0.0.0.ru-2024-01.rur-2024-01.r1')).toEqual([19, 0]);
  expect(oracleMajorMinor(undefined)).toBeUndefined();
});

test('logMinerSupport / binaryReaderSupport are ok on a plain self-managed 19c', () => {
  expect(logMinerSupport(base)).toEqual({ ok: true });
  expect(binaryReaderSupport(base)).toEqual({ ok: true });
});
