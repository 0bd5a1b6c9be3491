import fs from 'node:fs';

export default async function globalTeardown() {
  const services = globalThis.__IT_SERVICES__;
  if (!services) return;
  await services.s3.close().catch(() => {});
  await services.pg.stop().catch(() => {});
  fs.rmSync(services.base, { recursive: true, force: true });
}
