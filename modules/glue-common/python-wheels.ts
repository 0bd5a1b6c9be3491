import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Construct } from 'constructs';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AssetType, check, REPO_ROOT, TerraformAsset } from '../core';
import { GlueBucketRef, GlueVersion } from './props';

/** Python of each Glue version's Spark jobs (https://docs.aws.amazon.com/glue/latest/dg/release-notes.html). */
export const GLUE_PYTHON_VERSIONS: Record<GlueVersion, string> = { '4.0': '3.10', '5.0': '3.11' };

/** Folder of vendored wheels for jobs without a route to PyPI (the graph migration's gremlinpython and dependencies). */
export const GLUE_PYTHON_MODULES_DIR = path.join(REPO_ROOT, 'templates', 'glue', 'python-modules');

export interface GluePythonWheelsProps {
  /** Bucket the wheels are uploaded to (the jobs' data bucket). */
  readonly bucket: GlueBucketRef;
  /** Folder holding the `.whl` files, relative to the repository root or absolute. @default templates/glue/python-modules */
  readonly dir?: string;
  /** @default 'python-modules/' */
  readonly keyPrefix?: string;
  /** Distributions that must be among the wheels, as pip requirements, e.g. `['gremlinpython==3.7.1']` (name and exact version). */
  readonly requirements: readonly string[];
  /** The Glue version of the jobs that install them: decides the Python (and so the CPython tags) the wheels must fit. @default '5.0' */
  readonly glueVersion?: GlueVersion;
}

interface WheelName {
  readonly file: string;
  readonly distribution: string;
  readonly version: string;
  readonly pythonTags: string[];
  readonly abiTags: string[];
  readonly platformTags: string[];
}

/** `name-version(-build)?-python-abi-platform.whl` (https://packaging.python.org/en/latest/specifications/binary-distribution-format/). */
function parseWheel(file: string): WheelName | undefined {
  const parts = file.replace(/\.whl$/, '').split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [distribution, version] = parts;
  const [py, abi, platform] = parts.slice(-3);
  return { file, distribution, version, pythonTags: py.split('.'), abiTags: abi.split('.'), platformTags: platform.split('.') };
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** True when a Glue worker (CPython `python`, Linux x86_64) can install the wheel. */
function fitsGlue(wheel: WheelName, python: string): boolean {
  const [major, minor] = python.split('.').map(Number);
  const cp = `cp${major}${minor}`;
  const pure = wheel.pythonTags.some((t) => t === 'py3' || t === `py${major}${minor}`) && wheel.abiTags.includes('none');
  const exact = wheel.pythonTags.includes(cp) && (wheel.abiTags.includes(cp) || wheel.abiTags.includes('abi3') || wheel.abiTags.includes('none'));
  const stable = wheel.abiTags.includes('abi3') && wheel.pythonTags.some((t) => /^cp3\d+$/.test(t) && Number(t.slice(3)) <= minor);
  const platform = wheel.platformTags.some((t) => t === 'any' || /^(manylinux\w*|linux)_x86_64$/.test(t));
  return (pure || exact || stable) && platform;
}

/**
 * Wheels for Glue jobs that cannot reach PyPI (private subnets without a NAT): every `.whl` of a folder is uploaded
 * to the data bucket (content-hashed, SSE-KMS), and a job installs them offline with
 * `--additional-python-modules <their s3:// URIs>` and `--python-modules-installer-option --no-index`, the
 * documented route for wheel files in S3 and pip options
 * (https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html). Synth fails, printing the
 * one `pip download` command that fills the folder, when it is empty, lacks a required distribution, or holds a wheel
 * the jobs' Python cannot install.
 */
export class GluePythonWheels extends Construct {
  readonly objects: S3Object[];
  readonly s3Uris: string[];
  readonly keys: string[];
  readonly bucket: GlueBucketRef;
  readonly keyPrefix: string;
  readonly glueVersion: GlueVersion;
  /** The job arguments that install the wheels offline. */
  readonly arguments: Record<string, string>;

  constructor(scope: Construct, id: string, props: GluePythonWheelsProps) {
    super(scope, id);
    this.glueVersion = props.glueVersion ?? '5.0';
    this.bucket = props.bucket;
    this.keyPrefix = props.keyPrefix ?? 'python-modules/';
    check(/^[A-Za-z0-9!_.*'()/-]+\/$/.test(this.keyPrefix), this, `keyPrefix must end with "/" and use safe S3 key characters, got "${this.keyPrefix}".`);
    const dir = props.dir === undefined ? GLUE_PYTHON_MODULES_DIR : path.resolve(REPO_ROOT, props.dir);
    const shown = path.relative(REPO_ROOT, dir) || '.';
    const python = GLUE_PYTHON_VERSIONS[this.glueVersion];
    const download =
      `python3 -m pip download ${props.requirements.join(' ')} --dest ${shown} --only-binary=:all: ` +
      `--python-version ${python} --implementation cp --abi cp${python.replace('.', '')} --platform manylinux2014_x86_64`;
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.whl')).sort() : [];
    check(
      files.length > 0,
      this,
      `${shown} holds no wheels. The Glue jobs install ${props.requirements.join(', ')} offline from S3 (the subnets have no route to PyPI); download them and their dependencies, for Glue ${this.glueVersion} (Python ${python}, Linux x86_64), with:\n  ${download}`,
    );
    const wheels = files.map((f) => parseWheel(f));
    const unreadable = files.filter((_, i) => wheels[i] === undefined);
    check(unreadable.length === 0, this, `${shown}: ${unreadable.join(', ')} are not wheel file names (name-version-python-abi-platform.whl).`);
    const misfits = (wheels as WheelName[]).filter((w) => !fitsGlue(w, python)).map((w) => w.file);
    check(
      misfits.length === 0,
      this,
      `${shown}: ${misfits.join(', ')} cannot be installed on Glue ${this.glueVersion} (CPython ${python}, Linux x86_64). Empty the folder and download again with:\n  ${download}`,
    );
    for (const requirement of props.requirements) {
      const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!-]+)$/.exec(requirement);
      check(m !== null, this, `requirement "${requirement}" must be name==version, e.g. "gremlinpython==3.7.1".`);
      const found = (wheels as WheelName[]).some((w) => normalize(w.distribution) === normalize(m![1]) && w.version === m![2]);
      check(found, this, `${shown} has no wheel of ${requirement}. Empty the folder and download again with:\n  ${download}`);
    }

    this.keys = [];
    this.s3Uris = [];
    this.objects = files.map((file) => {
      const full = path.join(dir, file);
      const sha256 = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
      const key = `${this.keyPrefix}${file}`;
      const idPart = file.replace(/\.whl$/, '').replace(/[^A-Za-z0-9-]/g, '-');
      const asset = new TerraformAsset(this, `asset-${idPart}`, { path: full, type: AssetType.FILE });
      this.keys.push(key);
      this.s3Uris.push(`s3://${props.bucket.bucketName}/${key}`);
      return new S3Object(this, `wheel-${idPart}`, {
        bucket: props.bucket.bucketName,
        key,
        source: asset.path,
        sourceHash: sha256,
        contentType: 'application/zip',
        serverSideEncryption: 'aws:kms',
        kmsKeyId: props.bucket.kmsKeyArn,
        metadata: { sha256 },
      });
    });
    this.arguments = {
      // pip installs exactly these files: with --no-index it never contacts an index, so a missing dependency fails
      // the install at once instead of hanging on a network that is not there.
      '--additional-python-modules': this.s3Uris.join(','),
      '--python-modules-installer-option': '--no-index',
    };
  }
}
