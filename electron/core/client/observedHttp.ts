/**
 * A vendor's HTTP client seen from a sync's progress: every request that finally fails
 * (after its retries) is reported as it happens, so that the progress can show errors as
 * they come, and the request count stays readable. Requests and answers pass unchanged.
 */
import type { SyncError } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import type { VendorHttp } from './httpClient';

export function observeHttp(http: VendorHttp, onFailure: (error: SyncError) => void): VendorHttp {
  return {
    async getText(url, signal) {
      try {
        return await http.getText(url, signal);
      } catch (error) {
        if (error instanceof AppError && error.code !== 'CLIENT_CANCELLED') {
          const status = error.details?.status;
          onFailure({
            url,
            code: error.code,
            message: error.message,
            ...(typeof status === 'number' ? { status } : {}),
          });
        }
        throw error;
      }
    },
    get requests() {
      return http.requests;
    },
    close: () => http.close(),
  };
}
