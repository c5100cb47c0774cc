export declare const SERVE_CHILD_MARK = 'SHOEBOX_SERVE_CHILD';
export declare const RUNTIME_SWITCH = 'SHOEBOX_RUNTIME_DEFAULTS';
export declare function runtimeDefaults(cores?: number): Record<string, string>;
export declare function serverEnvironment(
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[],
  cores?: number,
): Record<string, string> | null;
export declare function commandOf(args: readonly string[]): string | undefined;
export declare function reexecute(env: Record<string, string>): Promise<never>;
export declare function launchServe(args: readonly string[]): Promise<void>;
export declare function watchLauncher(env: NodeJS.ProcessEnv): boolean;
