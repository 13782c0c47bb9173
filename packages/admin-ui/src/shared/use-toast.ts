import { createContext, useContext } from 'react';

/** Shows a short confirmation to the user. */
export interface ToastApi {
  show: (text: string) => void;
}

/** Context filled by `ToastProvider`. */
export const ToastContext = createContext<ToastApi>({ show: () => {} });

/** The app's toasts: `useToast().show('Key disabled')`. */
export function useToast(): ToastApi {
  return useContext(ToastContext);
}
