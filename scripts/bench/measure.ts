/**
 * Timing and memory of a child process, and sizes of what it wrote.
 *
 * Memory is the resident set of the whole process tree (the process, its children, theirs…),
 * read from /proc every ~100 ms; the peak is the largest sum seen. Threads share their process's
 * memory, so each process is counted once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface Measured {
  code: number;
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
  /** Peak of the summed resident set of the process tree, in bytes (0 if never sampled). */
  peakRss: number;
  /** The last 64 KB of standard output and error. */
  stdout: string;
  stderr: string;
}

/** Resident set of one process in bytes, from /proc/<pid>/status; 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The process and all its descendants, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const seen = new Set<number>();
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        for (const child of readFileSync(`/proc/${current}/task/${tid}/children`, 'utf8').split(/\s+/)) {
          if (child) queue.push(Number(child));
        }
      } catch {
        // The thread ended between the two reads.
      }
    }
  }
  return [...seen];
}

/** Summed resident set of a process tree, in bytes. */
export const treeRss = (pid: number) => processTree(pid).reduce((sum, p) => sum + rssOf(p), 0);

/** Samples a process tree's memory until stopped; `peak` is the largest sum seen. */
export function sampleMemory(pid: number, everyMs = 100): { readonly peak: number; stop: () => number } {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, treeRss(pid));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    get peak() {
      return peak;
    },
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

const TAIL = 64 * 1024;
const keepTail = (text: string) => (text.length > TAIL ? text.slice(-TAIL) : text);

/** Runs a command to its end, timing it and sampling its tree's memory. */
export function runMeasured(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = keepTail(stdout + chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = keepTail(stderr + chunk)));
    child.on('error', reject);
    if (child.pid === undefined) return;
    const memory = sampleMemory(child.pid);
    let ms = 0;
    child.on('exit', () => {
      ms = performance.now() - started;
    });
    child.on('close', (code) => {
      const peakRss = memory.stop();
      resolve({ code: code ?? 1, ms: ms || performance.now() - started, peakRss, stdout, stderr });
    });
  });
}

/** Ends a process we started and everything it started (its process group when detached). */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      // A detached child leads its own group: -pid reaches it and its descendants only.
      process.kill(-pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        // Already gone.
      }
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface TreeSize {
  bytes: number;
  files: number;
  htmlPages: number;
}

/** Total size of the regular files under `dir` (symbolic links not followed), and its HTML page count. */
export async function treeSize(dir: string): Promise<TreeSize> {
  let bytes = 0;
  let files = 0;
  let htmlPages = 0;
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return { bytes, files, htmlPages };
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const stats = await lstat(path.join(entry.parentPath, entry.name));
    bytes += stats.size;
    files++;
    if (entry.name.endsWith('.html')) htmlPages++;
  }
  return { bytes, files, htmlPages };
}

/** Every HTML file under `dir`, relative to it, with forward slashes, sorted. */
export async function htmlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
