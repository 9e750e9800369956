import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  /** Filesystem type of the temp folder the caches are written to (tmpfs would flatter every figure). */
  tempFs: string;
}

function firstMatch(file: string, pattern: RegExp): string | null {
  try {
    return pattern.exec(readFileSync(file, 'utf8'))?.[1]?.trim() ?? null;
  } catch {
    return null;
  }
}

function filesystemOf(dir: string): string {
  try {
    return execFileSync('df', ['--output=fstype', dir], { encoding: 'utf8' }).trim().split('\n').at(-1) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeMachine(tempDir: string): Machine {
  const distro = firstMatch('/etc/os-release', /^PRETTY_NAME="?([^"\n]*)"?$/m) ?? process.platform;
  return {
    cpu: firstMatch('/proc/cpuinfo', /^model name\s*:\s*(.*)$/m) ?? cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: totalmem() / 2 ** 30,
    os: `${distro} (${process.platform} ${release()})`,
    node: process.version,
    tempFs: filesystemOf(tempDir),
  };
}

export function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB.toFixed(1)} GiB RAM, ${m.os}, Node ${m.node}; ` +
    `temp files on ${m.tempFs}`;
}
