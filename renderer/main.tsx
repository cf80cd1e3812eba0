/** Renderer entry: pick the engine client, make the store, hook them up, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/create-client';
import { App } from './components/app';
import { connectStore, createAppStore, StoreProvider } from './store/app-store';
import './styles/app.css';

const client = createClient();
const store = createAppStore(client.api);
connectStore(store, client.api, client.connection);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App pathForFile={client.pathForFile} />
    </StoreProvider>
  </StrictMode>,
);
