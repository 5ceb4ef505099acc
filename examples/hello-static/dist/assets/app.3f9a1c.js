// A fingerprinted asset: its name changes when its content does, so the gateway lets browsers keep it for a year.
document.getElementById('route').textContent = 'This page answers ' + location.pathname + ', served by the Nubo gateway.';
