import packageJson from '../../package.json';

/** The application's version, from package.json (inlined at build time). */
export const APP_VERSION: string = packageJson.version;
export const APP_NAME = 'Trust Auditor';
