import { createLogger, LogLevel } from '../../../lambdas/shared/logger';

/** A logger whose lines land in `lines`, parsed. */
function capture(level?: LogLevel, service = 'svc') {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ service, ...(level ? { level } : {}), sink: (l) => lines.push(JSON.parse(l)) });
  return { log, lines };
}

describe('shared logger', () => {
  const savedLevel = process.env.LOG_LEVEL;
  afterEach(() => {
    if (savedLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = savedLevel;
  });

  test('a line carries the level, an ISO time, the service, the message and the context, as one JSON object', () => {
    const { log, lines } = capture('debug', 'loader');
    log.info('object loaded', { bucket: 'b', key: 'k', rows: 3 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual({ level: 'info', time: expect.any(String), service: 'loader', message: 'object loaded', bucket: 'b', key: 'k', rows: 3 });
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
  });

  test('each method writes its own level', () => {
    const { log, lines } = capture('debug');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['debug', 'd'],
      ['info', 'i'],
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  test.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('level %s writes that level and the ones above it, nothing below', (level, written) => {
    const { log, lines } = capture(level);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => l.level)).toEqual(written);
  });

  test('without a level option it takes LOG_LEVEL from the environment', () => {
    process.env.LOG_LEVEL = 'warn';
    const { log, lines } = capture();
    log.info('i');
    log.warn('w');
    expect(lines.map((l) => l.level)).toEqual(['warn']);
  });

  test('the level option wins over LOG_LEVEL', () => {
    process.env.LOG_LEVEL = 'error';
    const { log, lines } = capture('debug');
    log.debug('d');
    expect(lines.map((l) => l.level)).toEqual(['debug']);
  });

  test('without a level option or LOG_LEVEL it writes info and above', () => {
    delete process.env.LOG_LEVEL;
    const { log, lines } = capture();
    log.debug('d');
    log.info('i');
    expect(lines.map((l) => l.level)).toEqual(['info']);
  });

  test('an unknown LOG_LEVEL falls back to info (debug lines stay out, info lines are kept)', () => {
    process.env.LOG_LEVEL = 'verbose';
    const { log, lines } = capture();
    log.debug('d');
    log.info('i');
    expect(lines.map((l) => l.level)).toEqual(['info']);
  });

  test('without a sink it writes one line per entry to stdout, ending in a newline', () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      createLogger({ service: 'svc', level: 'info' }).info('to stdout', { n: 1 });
      expect(write).toHaveBeenCalledTimes(1);
      const line = String(write.mock.calls[0][0]);
      expect(line.endsWith('}\n')).toBe(true);
      expect(JSON.parse(line)).toMatchObject({ level: 'info', service: 'svc', message: 'to stdout', n: 1 });
    } finally {
      write.mockRestore();
    }
  });

  test('an Error in the context is logged as name, message and code, not as an empty object or a stack', () => {
    const { log, lines } = capture('info');
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    log.error('load failed', { error: err });
    expect(lines[0].error).toEqual({ name: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' });
  });

  test('an Error without a code is logged without a code key', () => {
    const { log, lines } = capture('info');
    const err = new TypeError('bad');
    log.error('x', { error: err });
    expect(lines[0].error).toEqual({ name: 'TypeError', message: 'bad' });
    expect(Object.keys(lines[0].error as object)).not.toContain('code');
  });

  test('an Error under any key is described; other values under other keys are kept as they are', () => {
    const { log, lines } = capture('info');
    log.warn('retry', { cause: new RangeError('too far'), attempt: 2, tags: ['a'] });
    expect(lines[0]).toMatchObject({ cause: { name: 'RangeError', message: 'too far' }, attempt: 2, tags: ['a'] });
  });

  test('a thrown non-Error under `error` is logged as its text', () => {
    const { log, lines } = capture('info');
    log.error('x', { error: 'plain string thrown' });
    log.error('y', { error: 42 });
    expect(lines.map((l) => l.error)).toEqual([{ message: 'plain string thrown' }, { message: '42' }]);
  });

  test('a child adds its context to every line, on top of its parent context', () => {
    const { log, lines } = capture('info');
    const child = log.child({ bucket: 'b' }).child({ key: 'k' });
    child.info('one', { rows: 1 });
    log.info('parent');
    expect(lines[0]).toMatchObject({ bucket: 'b', key: 'k', rows: 1, message: 'one', service: 'svc' });
    expect(lines[1]).not.toHaveProperty('bucket');
    expect(lines[1]).not.toHaveProperty('key');
  });

  test('a child keeps its parent level and sink', () => {
    const { log, lines } = capture('warn');
    const child = log.child({ table: 't' });
    child.info('hidden');
    child.warn('shown');
    expect(lines.map((l) => l.message)).toEqual(['shown']);
  });
});

describe('shared logger: context keys named like a line field', () => {
  test('a context key level, time, service or message never replaces the line field; its value is kept under contextFields', () => {
    const { log, lines } = capture('info', 'loader');
    log.info('object loaded', { level: 'debug', time: 'yesterday', service: 'other', message: 'row text', rows: 2 });
    expect(lines).toEqual([
      {
        level: 'info',
        time: expect.any(String),
        service: 'loader',
        message: 'object loaded',
        rows: 2,
        contextFields: { level: 'debug', time: 'yesterday', service: 'other', message: 'row text' },
      },
    ]);
    expect(lines[0].time).not.toBe('yesterday');
  });

  test('a child context cannot replace a line field either, and a call context key wins over the child one', () => {
    const { log, lines } = capture('info', 'loader');
    log.child({ message: 'from child', level: 'error', table: 't' }).warn('late row', { message: 'from call' });
    expect(lines).toEqual([
      { level: 'warn', time: expect.any(String), service: 'loader', message: 'late row', table: 't', contextFields: { message: 'from call', level: 'error' } },
    ]);
  });

  test('a context key named contextFields is itself kept, not replaced by the shadowed fields', () => {
    const { log, lines } = capture('info');
    log.info('m', { contextFields: 'x', level: 'debug' });
    expect(lines[0].contextFields).toEqual({ contextFields: 'x', level: 'debug' });
    expect(lines[0].level).toBe('info');
  });
});
